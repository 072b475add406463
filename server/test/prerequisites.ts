/**
 * Tests that need a program no npm package can bring (a real Redis server, the docker
 * compose binary) run when it is on this machine; otherwise they are skipped — by name,
 * with the one command that enables them — except under CI=true, where a missing
 * prerequisite fails the test, so CI can never silently run less than it should.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestContext } from "node:test";

export interface Prerequisite {
  /** What is missing, as a person would name it. */
  name: string;
  /** The command (argv) to run it with, when it is here. */
  find(): string[] | undefined;
  /** The one command that installs it. */
  enable: string;
}

/** The first executable called `name` on PATH. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export const DOCKER_COMPOSE: Prerequisite = {
  name: "docker compose (or docker-compose)",
  find() {
    const docker = onPath("docker");
    if (docker && spawnSync(docker, ["compose", "version"], { stdio: "ignore" }).status === 0) return [docker, "compose"];
    const legacy = onPath("docker-compose");
    return legacy ? [legacy] : undefined;
  },
  enable: "sudo apt-get install -y docker-compose",
};

export const REDIS_SERVER: Prerequisite = {
  name: "redis-server",
  find() {
    const redis = onPath("redis-server");
    return redis ? [redis] : undefined;
  },
  enable: "sudo apt-get install -y redis-server",
};

export type PrerequisiteStatus = { available: string[] } | { skip: string } | { fail: string };

/** Whether a prerequisite is here, and what a test does when it is not (CI=true: fail). */
export function prerequisiteStatus(prerequisite: Prerequisite, env: NodeJS.ProcessEnv = process.env): PrerequisiteStatus {
  const found = prerequisite.find();
  if (found) return { available: found };
  const message = `${prerequisite.name} is not installed; to run this test: ${prerequisite.enable}`;
  return env.CI === "true" ? { fail: `${message} (CI=true: a missing prerequisite is a failure, not a skip)` } : { skip: message };
}

/**
 * In a test: the prerequisite's command when it is here; otherwise the test is skipped
 * with the command that enables it (returns undefined: return from the test), or fails under CI.
 */
export function need(t: TestContext, prerequisite: Prerequisite): string[] | undefined {
  const status = prerequisiteStatus(prerequisite);
  if ("available" in status) return status.available;
  if ("fail" in status) assert.fail(status.fail);
  t.skip(status.skip);
  return undefined;
}
