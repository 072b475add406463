import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, DEVELOPMENT_SECRET_FILE, developmentSecret, loadConfig, PROJECT_ROOT } from "../src/config.ts";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

describe("configuration", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({}, () => "generated-secret-for-this-process");
    assert.equal(config.port, 8080);
    assert.equal(config.autosaveSeconds, 30);
    assert.equal(config.nodeEnv, "development");
    assert.equal(config.logLevel, "info");
    assert.equal(config.mongodbUri, undefined);
    assert.equal(config.mongodbEngine, "auto");
    assert.equal(config.logDir, path.join(PROJECT_ROOT, "logs"));
    assert.equal(config.shutdownSeconds, 10);
    assert.equal(config.guestRetentionDays, 7);
  });

  it("uses the development secret in development and says so", () => {
    const config = loadConfig({ NODE_ENV: "development", DATA_DIR: "/tmp/somewhere" }, (dataDir) => `secret-for-${dataDir}`);
    assert.equal(config.jwtSecret, "secret-for-/tmp/somewhere");
    assert.equal(config.jwtSecretGenerated, true);
    const set = loadConfig({ JWT_SECRET: "a-secret-of-at-least-16" });
    assert.equal(set.jwtSecretGenerated, false);
  });

  it("keeps the development secret in DATA_DIR, readable by its owner only, so sign-ins survive restarts", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-secret-"));
    const first = developmentSecret(dataDir);
    assert.ok(first.length >= 32);
    assert.equal(developmentSecret(dataDir), first, "the same secret after a restart");
    assert.equal(fs.statSync(path.join(dataDir, DEVELOPMENT_SECRET_FILE)).mode & 0o777, 0o600);
    assert.notEqual(
      developmentSecret(fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-secret-"))),
      first,
      "another data folder, another secret",
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses to start in production without JWT_SECRET", () => {
    assert.deepEqual(problemsOf({ NODE_ENV: "production" }), ["JWT_SECRET is required when NODE_ENV=production (a long random string)"]);
  });

  it("reports one clear message per bad variable, all at once", () => {
    const problems = problemsOf({
      PORT: "80a",
      AUTOSAVE_SECONDS: "0",
      LOG_LEVEL: "loud",
      NODE_ENV: "staging",
      MONGODB_URI: "postgres://x",
      JWT_SECRET: "short",
      GUEST_RETENTION_DAYS: "a week",
    });
    assert.deepEqual(problems, [
      'NODE_ENV must be one of development, production, test (got "staging")',
      'PORT must be a whole number from 1 to 65535 (got "80a")',
      'AUTOSAVE_SECONDS must be a whole number from 1 to 3600 (got "0")',
      'LOG_LEVEL must be one of error, warn, info, http, verbose, debug, silly (got "loud")',
      "MONGODB_URI must start with mongodb:// or mongodb+srv:// (got a value that does not)",
      "JWT_SECRET must be at least 16 characters long",
      'GUEST_RETENTION_DAYS must be a whole number from 0 to 3650 (got "a week")',
    ]);
    assert.ok(!problems.join(" ").includes("short"), "the secret's value is never echoed");
  });

  it("reads every variable it documents", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      PORT: "9000",
      MONGODB_URI: "mongodb://db:27017/game",
      JWT_SECRET: "0123456789abcdef0123",
      AUTOSAVE_SECONDS: "5",
      LOG_DIR: "/tmp/x-logs",
      LOG_LEVEL: "debug",
      SHUTDOWN_SECONDS: "3",
      RECONNECT_SECONDS: "7",
      GUEST_RETENTION_DAYS: "30",
    });
    assert.equal(config.port, 9000);
    assert.equal(config.mongodbUri, "mongodb://db:27017/game");
    assert.equal(config.autosaveSeconds, 5);
    assert.equal(config.logDir, "/tmp/x-logs");
    assert.equal(config.logLevel, "debug");
    assert.equal(config.shutdownSeconds, 3);
    assert.equal(config.reconnectSeconds, 7);
    assert.equal(config.guestRetentionDays, 30);
    assert.equal(loadConfig({ GUEST_RETENTION_DAYS: "0" }).guestRetentionDays, 0, "0 keeps guests");
  });
});

describe("log folder", () => {
  it("refuses a LOG_DIR it cannot write, with a clear message", async () => {
    const { configureLogger } = await import("../src/logger.ts");
    assert.throws(
      () => configureLogger({ logDir: "/dev/null/logs", logLevel: "info", nodeEnv: "test" }),
      /LOG_DIR \/dev\/null\/logs is not writable \(ENOTDIR\)/,
    );
  });
});
