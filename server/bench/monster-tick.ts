/**
 * Measures the cost of monster behaviour inside a zone's tick: the monster system's time
 * per tick, and per monster, with M monsters wandering in one large zone and P players
 * walking among them (so monsters notice, chase and bite as in play).
 *
 *   npm run bench:monsters -- [monsters=50,200,800] [players=20] [seconds=8]
 *
 * Real server (in this process), real @colyseus/sdk clients over WebSocket, the embedded
 * database. The timing is taken around the monster system inside the room's fixed tick;
 * the whole tick (all systems) is reported next to it. Players are healed every second
 * so the fights go on for the whole run.
 */
import { TILE_SIZE, seededRandom } from "@oatnut/shared";
import type { ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { startTestGame } from "../test/helpers.ts";
import { joinBots } from "./bots.ts";
import { writeZones } from "../test/zoneFixtures.ts";

const counts = String(process.argv[2] ?? "50,200,800")
  .split(",")
  .map(Number);
const players = Number(process.argv[3] ?? 20);
const seconds = Number(process.argv[4] ?? 8);
const SIZE = 120; // tiles on a side

function world(monsters: number): string {
  const inner = "#" + ".".repeat(SIZE - 2) + "#";
  const rows = ["#".repeat(SIZE), ...Array.from({ length: SIZE - 2 }, () => inner), "#".repeat(SIZE)];
  const kinds = ["slime", "wolf", "skeleton"];
  const areas = 12; // vertical stripes, kinds in turn (an area holds at most 100)
  const width = Math.floor((SIZE - 4) / areas);
  return writeZones({
    field: {
      starting: true,
      viewRadius: 480,
      rows,
      spawns: { default: [SIZE - 5, 60] }, // east of the stripes: no area may reach into a spawn point's safe circle
      monsterAreas: Array.from({ length: areas }, (_, i) => ({
        name: `area ${i}`,
        rect: [2 + i * width, 2, width, SIZE - 4] as [number, number, number, number],
        properties: { monster: kinds[i % kinds.length], count: Math.max(1, Math.round(monsters / areas)) },
      })),
    },
  });
}

async function run(monsters: number) {
  const game = await startTestGame({ ZONES_DIR: world(monsters), AUTOSAVE_SECONDS: "3600" });
  const random = seededRandom(7);
  const rooms = await joinBots(game, players, "Hunter", () => ({
    x: (4 + random() * (SIZE - 8)) * TILE_SIZE,
    y: (4 + random() * (SIZE - 8)) * TILE_SIZE,
  }));
  const server = game.colyseus.getRoomById(rooms[0].roomId) as unknown as ZoneRoom;
  const inputs = rooms.map((room) => room.input<{ dx: number; dy: number; skill: number; target: number }>());
  const walk = setInterval(() => {
    for (const input of inputs) {
      if (random() < 0.1) {
        input.data.dx = Math.floor(random() * 3) - 1;
        input.data.dy = Math.floor(random() * 3) - 1;
      }
      input.send();
    }
  }, 50);
  const heal = setInterval(() => {
    for (const s of server.sessions.values()) if (s.player.hp > 0) s.player.hp = s.player.maxHp;
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const stats = server.systems.monsters.stats;
  const start = { ticks: stats.ticks, ms: stats.totalMs };
  let chasing = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    chasing += server.systems.monsters.slots.filter((s) => s.mob?.state === "chase").length;
    samples++;
  }, 250);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(sampler);
  clearInterval(walk);
  clearInterval(heal);
  const ticks = stats.ticks - start.ticks;
  const ms = stats.totalMs - start.ms;
  const live = server.systems.monsters.count;
  for (const room of rooms) await room.leave().catch(() => {});
  await game.stop();
  return { monsters: live, ticks, perTickUs: (ms / ticks) * 1000, perMonsterUs: (ms / ticks / live) * 1000, chasing: chasing / samples };
}

console.log(`monster tick cost: ${players} players walking, ${seconds} s per run`);
console.log("monsters  ticks  system µs/tick  µs/monster/tick  chasing (avg)");
for (const count of counts) {
  const r = await run(count);
  console.log(
    `${String(r.monsters).padStart(8)}  ${String(r.ticks).padStart(5)}  ${r.perTickUs.toFixed(1).padStart(14)}  ${r.perMonsterUs.toFixed(2).padStart(15)}  ${r.chasing.toFixed(1).padStart(13)}`,
  );
}
process.exit(0);
