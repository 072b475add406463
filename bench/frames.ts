/**
 * CPU time a ws server spends on each small frame it sends, with ws's own two-buffer write
 * (header and payload: a cork, two writes, an uncork, a writev) against the one-buffer write
 * of server/src/wsFrames.ts. Alternated runs, each in a fresh process, server and clients
 * pinned to cores of their own where `taskset` is available.
 *
 *   npm run bench:frames -- [--clients 1000] [--rounds 200] [--pairs 3] [--bytes 100]
 *
 * Each round sends one frame of `--bytes` to `--bytes` + 49 bytes to every client (by default
 * 100–149, a patch's size), then waits 10 ms.
 */
import { execFileSync, fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WebSocket, WebSocketServer } from "ws";
import { installOneWriteFrames } from "../server/src/wsFrames.ts";
import { reexecOnProjectNode } from "./measure.ts";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { clients: { type: "string" }, rounds: { type: "string" }, pairs: { type: "string" }, bytes: { type: "string" } },
});
const clients = Number(args.clients ?? 1000);
const rounds = Number(args.rounds ?? 200);
const bytes = Number(args.bytes ?? 100);
const self = fileURLToPath(import.meta.url);
reexecOnProjectNode(fileURLToPath(new URL("..", import.meta.url)));
const [role, ...rest] = positionals;

if (role === "clients") {
  // The receiving end: connects, reads everything, says when all are open.
  const [url, n] = [rest[0]!, Number(rest[1])];
  try {
    // Off the server's core (a forked child inherits its parent's).
    execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  } catch {
    // no taskset, or one core
  }
  let open = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url);
    ws.on("open", () => {
      if (++open === n) process.send!("ready");
    });
    ws.on("message", () => {});
  }
} else if (role === "server") {
  const mode = rest[0]!;
  if (mode === "one-write") installOneWriteFrames();
  const server = new WebSocketServer({ port: 0, perMessageDeflate: false });
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as { port: number }).port;
  const child = fork(self, ["clients", `ws://127.0.0.1:${port}`, String(clients)]);
  await new Promise((resolve) => child.once("message", resolve));
  const sockets = [...server.clients];
  const payload = Buffer.alloc(bytes + 50, 7);
  let sent = 0;
  const start = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    for (const socket of sockets) {
      socket.send(payload.subarray(0, bytes + (round % 50)));
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const used = process.cpuUsage(start);
  process.send!({ sent, user: used.user / sent, system: used.system / sent });
  child.kill();
  process.exit(0);
} else {
  const pairs = Number(args.pairs ?? 3);
  let pin: string[] = [];
  try {
    execFileSync("taskset", ["-c", "0", "true"]);
    pin = ["taskset", "-c", "0"];
  } catch {
    // no taskset: unpinned
  }
  const results: Record<string, number[]> = { "two-buffer": [], "one-write": [] };
  for (let pair = 0; pair < pairs; pair++) {
    for (const mode of ["two-buffer", "one-write"]) {
      const command = [
        ...pin,
        process.execPath,
        ...process.execArgv,
        self,
        "server",
        mode,
        `--clients=${clients}`,
        `--rounds=${rounds}`,
        `--bytes=${bytes}`,
      ];
      const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      const result = await new Promise<{ sent: number; user: number; system: number }>((resolve, reject) => {
        child.once("message", (message) => resolve(message as { sent: number; user: number; system: number }));
        child.once("exit", (code) => reject(new Error(`${mode} run ended (${code}) without a result`)));
      });
      results[mode]!.push(result.user + result.system);
      console.log(
        `${mode.padEnd(10)} ${(result.user + result.system).toFixed(2)} µs a frame (user ${result.user.toFixed(2)}, system ${result.system.toFixed(2)}), ${result.sent} frames`,
      );
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [two, one] = [median(results["two-buffer"]!), median(results["one-write"]!)];
  console.log(
    `median: two-buffer ${two.toFixed(2)} µs, one-write ${one.toFixed(2)} µs a frame (${((100 * (one - two)) / two).toFixed(0)}%)`,
  );
}
