/**
 * What a flooding client costs the server, and whether other players notice.
 *
 *   npm run bench:flood -- [players=20] [seconds=5]
 *
 * The production build in its own process (as in Docker), the embedded database, P real
 * @colyseus/sdk players walking (one input per tick). First a calm phase, then a flood
 * phase in which one attacker sends frames as fast as it can — inputs far over their
 * rate, made-up message types, invalid messages — and, each time the boundary closes it
 * (flooding), plays again at once. Prints, per phase: the server's CPU (of one core), the
 * players' patch rate (on the server's clock), and for the flood the frames sent, the
 * connections the attacker went through, and the log lines written.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Protocol } from "@colyseus/core";
import { ClientMessage } from "@oatnut/shared";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { startTestDatabase, testZones } from "../test/helpers.ts";
import { startServerProcess } from "../test/process.ts";
import { createCharacters, enter, patchRate, type Player } from "../test/rawClient.ts";

const players = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 5);

/** CPU seconds the process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const database = await startTestDatabase();
await connectDatabase(database.uri);
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-flood-"));
const server = await startServerProcess({
  MONGODB_URI: database.uri,
  ZONES_DIR: testZones(),
  LOG_DIR: logDir,
  NODE_ENV: "production",
  AUTOSAVE_SECONDS: "3600",
  RECONNECT_SECONDS: "0",
});
const pid = server.child.pid!;
const characters = await createCharacters(server.url, players + 4, "Flood");
const walkers: Player[] = [];
for (const character of characters.slice(0, players)) walkers.push(await enter(server.url, character));
const attackers = characters.slice(players);

// Every player walks: one input per tick, changing direction now and then.
let step = 0;
const walking = setInterval(() => {
  step++;
  walkers.forEach((walker, i) => {
    const input = walker.room.input<{ dx: number; dy: number }>();
    input.data.dx = [1, 0, -1, 0][((step >> 5) + i) % 4];
    input.data.dy = [0, 1, 0, -1][((step >> 5) + i) % 4];
    input.send();
  });
}, 50);

const lineCount = (name: string) => {
  const file = path.join(logDir, `${name}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
};
const serverNow = () => walkers[0].patchTimes.at(-1) ?? 0;

async function phase(flood: boolean) {
  const cpu0 = cpuSeconds(pid);
  const wall0 = performance.now();
  const from = serverNow();
  const lines0 = lineCount("app") + lineCount("errors");
  let frames = 0;
  let connections = 0;
  while (performance.now() - wall0 < seconds * 1000) {
    if (!flood) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const attacker = await enter(server.url, attackers[connections++ % attackers.length]);
    for (let i = 0; i < 5000 && attacker.isOpen(); i++) {
      if (i % 3 === 0) attacker.sendRaw([Protocol.ROOM_INPUT_RELIABLE, 0x80, 1]);
      else if (i % 3 === 1) attacker.room.send(`madeUp${i}`, {});
      else attacker.room.send(ClientMessage.Chat, { text: 42 });
      frames++;
    }
    await attacker.closed;
  }
  const wall = (performance.now() - wall0) / 1000;
  const to = serverNow();
  const rates = walkers.map((walker) => patchRate(walker.patchTimes, from, to));
  return {
    cpu: (cpuSeconds(pid) - cpu0) / wall,
    patchesMin: Math.min(...rates),
    patchesAvg: rates.reduce((a, b) => a + b, 0) / rates.length,
    frames,
    connections,
    lines: lineCount("app") + lineCount("errors") - lines0,
  };
}

await new Promise((resolve) => setTimeout(resolve, 1000));
const calm = await phase(false);
const flood = await phase(true);
clearInterval(walking);
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
console.log(`${players} players walking, production build, ${seconds} s per phase`);
console.log(
  `calm:  server CPU ${pct(calm.cpu)} of a core; patches/s per player: min ${calm.patchesMin.toFixed(1)}, avg ${calm.patchesAvg.toFixed(1)}`,
);
console.log(
  `flood: server CPU ${pct(flood.cpu)} of a core; patches/s per player: min ${flood.patchesMin.toFixed(1)}, avg ${flood.patchesAvg.toFixed(1)}`,
);
console.log(
  `       ${flood.frames} frames sent (${(flood.frames / seconds).toFixed(0)}/s) over ${flood.connections} connections, ` +
    `each closed by the boundary; ${flood.lines} log lines written (${(flood.lines / flood.connections).toFixed(1)} per connection)`,
);
await server.stop("SIGKILL");
await disconnectDatabase();
await database.stop();
fs.rmSync(logDir, { recursive: true, force: true });
process.exit(0);
