/**
 * Measures what area of interest saves: bytes each client receives per second with N
 * bots walking at random in one large zone, once with the zone's view radius and once
 * with a radius that covers the whole zone (everyone sees everyone).
 *
 *   npm run bench:aoi -- [bots=50] [seconds=10] [radius=480]
 *
 * Real server (in this process), real @colyseus/sdk clients over WebSocket on loopback,
 * the embedded database. Counts every WebSocket frame a client receives after the
 * first state (patches, messages), divided by the measured time.
 */
import { TILE_SIZE, seededRandom } from "@oatnut/shared";
import { startTestGame } from "../test/helpers.ts";
import { joinBots } from "./bots.ts";
import { writeZones } from "../test/zoneFixtures.ts";

const bots = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 10);
const radius = Number(process.argv[4] ?? 480);
const SIZE = 100; // tiles on a side: 3200 x 3200 px

function world(viewRadius: number): string {
  const inner = "#" + ".".repeat(SIZE - 2) + "#";
  const rows = ["#".repeat(SIZE), ...Array.from({ length: SIZE - 2 }, () => inner), "#".repeat(SIZE)];
  return writeZones({ field: { starting: true, viewRadius, rows, spawns: { default: [50, 50] } } });
}

async function run(viewRadius: number): Promise<{ bytesPerClientPerSecond: number; visibleAverage: number }> {
  const game = await startTestGame({ ZONES_DIR: world(viewRadius), AUTOSAVE_SECONDS: "3600" });
  const random = seededRandom(42); // the same seed in both runs: the same placements and walks
  const rooms = await joinBots(game, bots, "Bot", () => ({
    x: (2 + random() * (SIZE - 4)) * TILE_SIZE,
    y: (2 + random() * (SIZE - 4)) * TILE_SIZE,
  }));
  await new Promise((resolve) => setTimeout(resolve, 1000)); // first states delivered

  let bytes = 0;
  let counting = true;
  for (const room of rooms) {
    const ws = (room.connection as any).transport.ws as WebSocket;
    ws.addEventListener("message", (event: MessageEvent) => {
      if (!counting) return;
      const data = event.data as ArrayBuffer | Uint8Array | string;
      bytes += typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    });
  }
  const directions = rooms.map(() => ({ dx: 0, dy: 0 }));
  const inputs = rooms.map((room) => room.input<{ dx: number; dy: number }>());
  const started = performance.now();
  let visibleSum = 0;
  let visibleSamples = 0;
  let tick = 0;
  while (performance.now() - started < seconds * 1000) {
    if (tick % 20 === 0) {
      for (const d of directions) {
        d.dx = Math.floor(random() * 3) - 1;
        d.dy = Math.floor(random() * 3) - 1;
      }
      visibleSum += rooms.reduce((sum, room) => sum + room.state.players.size - 1, 0) / rooms.length;
      visibleSamples++;
    }
    inputs.forEach((input, i) => {
      input.data.dx = directions[i].dx;
      input.data.dy = directions[i].dy;
      input.send();
    });
    tick++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const elapsed = (performance.now() - started) / 1000;
  counting = false;
  await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
  await game.stop();
  return { bytesPerClientPerSecond: bytes / bots / elapsed, visibleAverage: visibleSum / visibleSamples };
}

const withAoi = await run(radius);
const without = await run(10_000);
const world_px = SIZE * TILE_SIZE;
console.log(`${bots} bots walking at random for ${seconds} s in a ${world_px}x${world_px} px zone`);
console.log(
  `with area of interest (radius ${radius} px): ${withAoi.bytesPerClientPerSecond.toFixed(0)} bytes/client/s, ` +
    `${withAoi.visibleAverage.toFixed(1)} other players visible on average`,
);
console.log(
  `without (everyone sees everyone):        ${without.bytesPerClientPerSecond.toFixed(0)} bytes/client/s, ` +
    `${without.visibleAverage.toFixed(1)} other players visible on average`,
);
console.log(`saving: ${(100 * (1 - withAoi.bytesPerClientPerSecond / without.bytesPerClientPerSecond)).toFixed(1)}%`);
process.exit(0);
