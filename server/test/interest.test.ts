/**
 * Area of interest: a client receives only the players within its zone's view radius
 * (and itself with its private fields); players entering and leaving the radius appear
 * and disappear on the client.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { Callbacks } from "@colyseus/sdk";
import { TILE_SIZE, seededRandom } from "@oatnut/shared";
import { Character } from "../src/db/models.ts";
import { InterestManager, LEAVE_FACTOR, SpatialGrid } from "../src/rooms/systems/interest.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";
import { writeZones } from "./zoneFixtures.ts";

const RADIUS = 200;
let game: TestGame;
const openRooms: ClientRoom[] = [];

before(async () => {
  const row = "#" + ".".repeat(58) + "#";
  const zonesDir = writeZones({
    strip: {
      starting: true,
      viewRadius: RADIUS,
      rows: ["#".repeat(60), row, row, row, "#".repeat(60)],
      spawns: { default: [3, 2] },
    },
  });
  game = await startTestGame({ ZONES_DIR: zonesDir });
});
afterEach(async () => {
  await Promise.all(openRooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
});
after(async () => {
  await game.stop();
});

let counter = 0;
async function enterAt(x: number) {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, `Seer_${++counter}`);
  await Character.updateOne({ _id: character.id }, { $set: { x, y: 2.5 * TILE_SIZE } });
  const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
  const room = await game.colyseus.sdk.consumeSeatReservation<any>(res.body);
  openRooms.push(room);
  await waitFor(() => room.state.players?.get(room.sessionId), "own player");
  return { room, name: character.name, id: character.id };
}

function names(room: ClientRoom<any, any>): string[] {
  return [...room.state.players.values()].map((p: any) => p.name).sort();
}

async function walk(room: ClientRoom, dx: number, steps: number) {
  const input = room.input<{ dx: number; dy: number }>();
  for (let i = 0; i < steps; i++) {
    input.data.dx = dx;
    input.data.dy = 0;
    input.send();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("area of interest", () => {
  it("hides a far player, shows it when it comes near, hides it again when it goes away", async () => {
    const a = await enterAt(100);
    const b = await enterAt(100 + RADIUS * LEAVE_FACTOR + 60); // beyond the leave distance
    const added: string[] = [];
    const removed: string[] = [];
    const callbacks = Callbacks.get(a.room);
    callbacks.onAdd("players", (player: any) => added.push(player.name));
    callbacks.onRemove("players", (player: any) => removed.push(player.name));

    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(names(a.room), [a.name], "A sees only itself");
    assert.deepEqual(names(b.room), [b.name], "B sees only itself");

    // B walks towards A until within the radius.
    await walk(b.room, -1, 14);
    await waitFor(() => names(a.room).includes(b.name), "B appears on A's screen");
    const bOnA = [...a.room.state.players.values()].find((p: any) => p.name === b.name) as any;
    const bOnServer = [...(game.colyseus.getRoomById(a.room.roomId) as any).state.players.values()].find((p: any) => p.name === b.name);
    assert.ok(Math.abs(bOnA.x - bOnServer.x) <= 8 * 2, "it appears where it is, not at an old or zero position");
    assert.equal(bOnA.characterId, undefined, "B's owner-only fields never reach A");
    assert.equal(bOnA.speed, undefined);
    // Each view is refreshed every REFRESH_TICKS ticks, on its own turn: B's may come a tick or two later.
    await waitFor(() => names(b.room).includes(a.name), "and B sees A");

    // B walks away past the leave distance.
    await walk(b.room, 1, 20);
    await waitFor(() => !names(a.room).includes(b.name), "B disappears from A's screen");
    assert.deepEqual(added.filter((n) => n === b.name).length, 1);
    assert.deepEqual(removed, [b.name]);
  });
});

describe("interest manager", () => {
  it("puts entities in grid cells and finds only the neighbouring ones, with the entity itself", () => {
    const grid = new SpatialGrid<{ name: string }>(100);
    const near = { name: "near" };
    const far = { name: "far" };
    grid.place("near", 150, 150, near);
    grid.place("far", 950, 150, far);
    const around = (): Array<[string, { name: string }]> => {
      const cells: Array<ReadonlyMap<string, { name: string }>> = [];
      const count = grid.cellsNear(120, 120, 100, cells);
      return cells.slice(0, count).flatMap((members) => [...members]);
    };
    const found = around();
    assert.deepEqual(found, [["near", near]]);
    grid.place("far", 130, 130, far); // moved
    const again = around().map(([key, item]) => `${key}=${item.name}`);
    assert.deepEqual(again.sort(), ["far=far", "near=near"]);
  });

  it("uses hysteresis: enters at the radius, leaves only beyond radius × LEAVE_FACTOR", () => {
    const views = new Map<string, Set<unknown>>();
    const fakeView = (key: string) => {
      const set = new Set<unknown>();
      views.set(key, set);
      return {
        changes: new Map(),
        add: (o: unknown) => {
          set.add(o);
          return true;
        },
        remove: (o: unknown) => {
          set.delete(o);
        },
      } as any;
    };
    const interest = new InterestManager(100);
    const a = { x: 0, y: 0 } as any;
    const b = { x: 150, y: 0 } as any;
    interest.add("a", a, fakeView("a"));
    interest.add("b", b, fakeView("b"));
    assert.deepEqual(interest.visibleTo("a"), []);
    b.x = 100;
    interest.update();
    assert.deepEqual(interest.visibleTo("a"), ["b"]);
    b.x = 110; // past the radius, inside the leave distance
    interest.update();
    assert.deepEqual(interest.visibleTo("a"), ["b"]);
    b.x = 100 * LEAVE_FACTOR + 1;
    interest.update();
    assert.deepEqual(interest.visibleTo("a"), []);
    interest.remove("b");
    b.x = 0;
    interest.update();
    assert.deepEqual(interest.visibleTo("a"), []);
  });

  it("refreshes a third of the views on each tick when asked to, each one every third tick, and shows a newcomer at once", () => {
    const view = () => ({ changes: new Map(), add: () => true, remove: () => true }) as any;
    const interest = new InterestManager(100, 3);
    const watchers = ["w0", "w1", "w2", "w3", "w4", "w5"];
    watchers.forEach((key, i) => interest.add(key, { x: i * 1000, y: 0 } as any, view()));
    // A newcomer next to w0 is seen by w0, and sees w0, without waiting for a tick.
    const visitor = { x: 10, y: 0 } as any;
    interest.add("visitor", visitor, view());
    assert.deepEqual(interest.visibleTo("w0"), ["visitor"]);
    assert.deepEqual(interest.visibleTo("visitor"), ["w0"]);
    // It walks over to w1: each watcher notices within three ticks, not sooner than its turn.
    visitor.x = 1010;
    const noticedAt = new Map<string, number>();
    for (let tick = 1; tick <= 3; tick++) {
      interest.update();
      for (const key of ["w0", "w1"]) {
        const sees = interest.visibleTo(key).includes("visitor");
        if ((key === "w1") === sees && !noticedAt.has(key)) noticedAt.set(key, tick);
      }
    }
    assert.equal(noticedAt.size, 2, "both views caught up within three ticks");
    assert.notEqual(noticedAt.get("w0"), noticedAt.get("w1"), "on different ticks: a share of the views each tick");
    // Every view is refreshed exactly once in three ticks.
    let refreshed = 0;
    const counting = interest as unknown as { refresh: (w: unknown) => void };
    const original = counting.refresh.bind(interest);
    counting.refresh = (w) => {
      refreshed++;
      original(w);
    };
    for (let tick = 0; tick < 3; tick++) interest.update();
    assert.equal(refreshed, watchers.length + 1);
  });

  it("keeps every view equal to what is near, each entity once, through walks, leaves and keys added again", () => {
    // Random walkers and non-watching entities over 3,000 ticks, some removed and some added
    // again under the same key. After each tick (every view refreshed): a view holds each
    // entity once, only entities within the leave distance and every one within the radius;
    // each entity's seers are exactly the watchers whose view holds it.
    const radius = 100;
    const random = seededRandom(5);
    const inView = new Map<string, Map<unknown, number>>();
    const fakeView = (key: string) => {
      const held = new Map<unknown, number>();
      inView.set(key, held);
      return {
        changes: new Map(),
        add: (o: unknown) => {
          held.set(o, (held.get(o) ?? 0) + 1);
          return true;
        },
        remove: (o: unknown) => {
          held.delete(o);
        },
      } as any;
    };
    const interest = new InterestManager(radius);
    const entities = new Map<string, { x: number; y: number }>();
    const watching = new Set<string>();
    const place = (key: string, watches: boolean) => {
      const entity = { x: random() * 600, y: random() * 600 };
      entities.set(key, entity);
      if (watches) watching.add(key);
      interest.add(key, entity as any, watches ? fakeView(key) : undefined);
    };
    for (let i = 0; i < 40; i++) place(`p${i}`, true);
    for (let i = 0; i < 20; i++) place(`m${i}`, false);
    let churned = 0;
    for (let tick = 0; tick < 3000; tick++) {
      for (const entity of entities.values()) {
        entity.x = Math.min(600, Math.max(0, entity.x + (random() - 0.5) * 30));
        entity.y = Math.min(600, Math.max(0, entity.y + (random() - 0.5) * 30));
      }
      if (random() < 0.1) {
        const keys = [...entities.keys()];
        const key = keys[Math.floor(random() * keys.length)];
        if (random() < 0.5 || watching.has(key)) {
          // A player leaves and comes back (the room removes it first); a monster dies and respawns.
          interest.remove(key);
          entities.delete(key);
          watching.delete(key);
          inView.delete(key);
          place(key, key.startsWith("p")); // back at once, elsewhere: a new entity under the key
        } else {
          const entity = { ...entities.get(key)! }; // a drop or monster added again in place, unremoved
          entities.set(key, entity);
          interest.add(key, entity as any);
        }
        churned++;
      }
      interest.update();
      if (tick % 10 !== 0) continue;
      for (const key of watching) {
        const self = entities.get(key)!;
        const sees = interest.visibleTo(key);
        assert.equal(new Set(sees).size, sees.length, `tick ${tick}: ${key} holds an entity twice`);
        for (const [other, entity] of entities) {
          if (other === key) continue;
          const distance = Math.hypot(entity.x - self.x, entity.y - self.y);
          if (distance <= radius) assert.ok(sees.includes(other), `tick ${tick}: ${key} misses ${other} at ${distance}`);
          if (distance > radius * LEAVE_FACTOR) assert.ok(!sees.includes(other), `tick ${tick}: ${key} still sees ${other}`);
          const held = inView.get(key)!.has(entity);
          assert.equal(held, sees.includes(other), `tick ${tick}: ${key}'s StateView and its visible list disagree on ${other}`);
          const seers = interest.seersOf(entity)!.seers.map((watcher) => watcher.key);
          assert.equal(seers.includes(key), sees.includes(other), `tick ${tick}: ${other}'s seers and ${key}'s view disagree`);
          assert.equal(new Set(seers).size, seers.length, `tick ${tick}: ${other} has a seer twice`);
        }
      }
    }
    assert.ok(churned > 200, `keys were removed and added again (${churned})`);
  });
});
