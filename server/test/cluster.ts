/**
 * A real cluster for tests, without Docker: Debian's redis-server on a free port, one
 * shared database, and game server processes (the production bundle) each on its own port
 * with its own PUBLIC_ADDRESS — the topology of the Compose `scale` profile, minus the proxy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import type { DatabaseEngine } from "../src/db/engine.ts";
import { freePort, startTestDatabase, testZones } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";

export const ADMIN = { user: "cluster-admin", password: "cluster-admin-password" };

export interface RedisServer {
  url: string;
  port: number;
  /** A client for looking inside (closed by stop). */
  client: Redis;
  /** Stops the server (SIGTERM, or SIGKILL) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `redis-server` (the command found by prerequisites.ts) on a free loopback port, without persistence. */
export async function startRedis(command: string[]): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(command[0]!, [...command.slice(1), "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    probe.disconnect();
  };
  await launch();
  const client = new Redis(port, "127.0.0.1");
  client.on("error", () => {});
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    client,
    kill,
    restart: launch,
    async stop() {
      client.disconnect();
      await kill("SIGKILL");
    },
  };
}

export interface Cluster {
  redis: RedisServer;
  database: DatabaseEngine;
  processes: ServerProcess[];
  /** Starts one more game process (extra environment on top of the cluster's; on `port` when given). */
  addProcess(env?: Record<string, string>, port?: number): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/**
 * Starts a database, a Redis and `count` game processes sharing them.
 * @param env environment for every process (e.g. AUTOSAVE_SECONDS), and per process in `each`
 */
export async function startCluster(
  redisCommand: string[],
  count: number,
  env: Record<string, string> = {},
  each: Array<Record<string, string>> = [],
): Promise<Cluster> {
  const redis = await startRedis(redisCommand);
  const database = await startTestDatabase();
  const processes: ServerProcess[] = [];
  const addProcess = async (extra: Record<string, string> = {}, fixedPort?: number) => {
    const port = fixedPort ?? (await freePort());
    const started = await startServerProcess(
      {
        REDIS_URL: redis.url,
        MONGODB_URI: database.uri,
        PUBLIC_ADDRESS: `127.0.0.1:${port}`,
        ZONES_DIR: testZones(),
        ADMIN_USER: ADMIN.user,
        ADMIN_PASSWORD: ADMIN.password,
        ...env,
        ...extra,
      },
      port,
    );
    processes.push(started);
    return started;
  };
  try {
    for (let i = 0; i < count; i++) await addProcess(each[i]);
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
    await redis.stop();
    await database.stop();
    throw error;
  }
  return {
    redis,
    database,
    processes,
    addProcess,
    async stop() {
      await Promise.all(processes.map((p) => p.stop("SIGKILL")));
      await redis.stop();
      await database.stop();
    },
  };
}

/** The admin API of one process. */
export async function admin<T = unknown>(
  process: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${process.url}/admin/api${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface Proxy {
  port: number;
  url: string;
  /** The PUBLIC_ADDRESS of the n-th process behind it (1-based), as in deploy/nginx/scale.conf. */
  addressOf(n: number): string;
  stop(): Promise<void>;
}

/**
 * A small reverse proxy with the routes of deploy/nginx/scale.conf, for tests in a browser
 * (whose page may only open WebSockets to its own origin): `/gN/…` goes to backend N with
 * the `/gN` prefix stripped (HTTP and WebSocket upgrades), everything else to the backends
 * in turn. Host and every other header pass unchanged, as nginx is set up to.
 * @param backends the backends' ports, by 1-based position (a port may be set later with `route`)
 */
export async function startProxy(backends: () => number[]): Promise<Proxy> {
  const http = await import("node:http");
  const net = await import("node:net");
  let turn = 0;
  const target = (url: string): { port: number; path: string } | undefined => {
    const ports = backends();
    const match = /^\/g(\d+)(\/.*)?$/.exec(url);
    if (match) {
      const port = ports[Number(match[1]) - 1];
      return port ? { port, path: match[2] ?? "/" } : undefined;
    }
    return ports.length ? { port: ports[turn++ % ports.length]!, path: url } : undefined;
  };
  const server = http.createServer((req, res) => {
    const to = target(req.url ?? "/");
    if (!to) return void res.writeHead(502).end();
    const upstream = http.request(
      { host: "127.0.0.1", port: to.port, method: req.method, path: to.path, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.headersSent || res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("upgrade", (req, socket, head) => {
    const to = target(req.url ?? "/");
    if (!to) return socket.destroy();
    const upstream = net.connect(to.port, "127.0.0.1", () => {
      const lines = [`${req.method} ${to.path} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    addressOf: (n) => `127.0.0.1:${port}/g${n}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
