/**
 * Scoped patch encoding (rooms/scopedEncoding.ts) sends each client exactly the bytes
 * Colyseus's own per-view encoding would: two identical worlds take the same seeded
 * sequence of joins, walks, fights, drops, inventory changes and departures; one encodes
 * its patches the Colyseus way (every changed object checked against every view), the
 * other with the scoped walk; every client's patch must be byte for byte the same, patch
 * after patch.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Encoder, StateView } from "@colyseus/schema";
import { ItemStack, LootDrop, Monster, Player, ZoneState } from "@oatnut/shared";
import { ScopedViewEncoding } from "../src/rooms/scopedEncoding.ts";
import { InterestManager } from "../src/rooms/systems/interest.ts";

const PATCH = 15; // Protocol.ROOM_STATE_PATCH

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A zone's state, its interest system and its clients' views, encoded one way or the other. */
class World {
  readonly state = new ZoneState();
  readonly encoder: Encoder;
  readonly interest = new InterestManager(300);
  readonly views = new Map<string, StateView>();
  readonly scoped?: ScopedViewEncoding;

  constructor(scoped: boolean) {
    this.state.zone = "field";
    this.encoder = new Encoder(this.state);
    if (scoped) {
      this.scoped = new ScopedViewEncoding(this.encoder, [this.state.players, this.state.monsters, this.state.loot], (view) =>
        this.interest.entitiesIn(view),
      ).install();
    }
  }

  join(key: string, x: number, y: number, eid: number): void {
    const player = new Player();
    Object.assign(player, { eid, name: `P${key}`, x, y, hp: 50, maxHp: 50, level: 1, characterId: `c${key}`, speed: 160, xp: 0 });
    this.state.players.set(key, player);
    const view = new StateView();
    this.views.set(key, view);
    this.interest.add(key, player, view);
  }

  leave(key: string): void {
    this.interest.remove(key);
    this.state.players.delete(key);
    this.views.delete(key);
  }

  /** One patch, as Colyseus's SchemaSerializer makes it: the shared pass, then each view. */
  patch(): Map<string, Buffer> {
    this.scoped?.nextPatch();
    const out = new Map<string, Buffer>();
    const it = { offset: 1 };
    this.encoder.sharedBuffer[0] = PATCH;
    this.encoder.encode(it);
    const sharedOffset = it.offset;
    for (const [key, view] of this.views) out.set(key, Buffer.from(this.encoder.encodeView(view, sharedOffset, it)));
    this.encoder.discardChanges();
    return out;
  }
}

/** Applies one seeded random step to both worlds alike. */
function step(worlds: World[], random: () => number, tick: number, keys: string[], monsters: string[], loot: string[]): void {
  const choice = random();
  if (choice < 0.06 || keys.length < 5) {
    const key = `s${tick}`;
    const [x, y] = [random() * 1200, random() * 1200];
    for (const world of worlds) world.join(key, x, y, 1000 + tick);
    keys.push(key);
  } else if (choice < 0.075 && keys.length > 5) {
    const [key] = keys.splice(Math.floor(random() * keys.length), 1);
    for (const world of worlds) world.leave(key);
  } else if (choice < 0.12) {
    const key = `m:${tick}`;
    const [x, y] = [random() * 1200, random() * 1200];
    for (const world of worlds) {
      const monster = new Monster();
      Object.assign(monster, { eid: 5000 + tick, kind: "wolf", x, y, hp: 30, maxHp: 30 });
      world.state.monsters.set(key, monster);
      world.interest.add(key, monster);
    }
    monsters.push(key);
  } else if (choice < 0.14 && monsters.length > 0) {
    const [key] = monsters.splice(Math.floor(random() * monsters.length), 1);
    for (const world of worlds) {
      world.interest.remove(key);
      world.state.monsters.delete(key);
    }
  } else if (choice < 0.16) {
    const key = `l:${tick}`;
    const [x, y] = [random() * 1200, random() * 1200];
    const owner = keys.length ? `P${keys[Math.floor(random() * keys.length)]}` : "";
    for (const world of worlds) {
      const drop = new LootDrop();
      Object.assign(drop, { id: tick, item: "pelt", count: 1, x, y, owner });
      world.state.loot.set(key, drop);
      world.interest.add(key, drop);
    }
    loot.push(key);
  } else if (choice < 0.18 && loot.length > 0) {
    const [key] = loot.splice(Math.floor(random() * loot.length), 1);
    for (const world of worlds) {
      world.interest.remove(key);
      world.state.loot.delete(key);
    }
  } else if (choice < 0.22 && keys.length > 0) {
    // Inventory (owner-only) changes: a new stack, a count, a stack used up.
    const key = keys[Math.floor(random() * keys.length)];
    const what = random();
    for (const world of worlds) {
      const inventory = world.state.players.get(key)!.inventory;
      if (what < 0.4 || inventory.length === 0) inventory.push(new ItemStack({ item: "potion", count: 1 }));
      else if (what < 0.8) inventory[0].count += 1;
      else inventory.splice(0, 1);
    }
  } else if (choice < 0.24) {
    for (const world of worlds) world.state.zone = `field${tick}`; // a change of the root itself
  }
  // Everyone walks a little; some take damage or gain XP (owner-only).
  const moves = keys.map(() => [random() * 40 - 20, random() * 40 - 20, random()]);
  const monsterMoves = monsters.map(() => [random() * 10 - 5, random() * 10 - 5]);
  for (const world of worlds) {
    keys.forEach((key, i) => {
      const player = world.state.players.get(key)!;
      player.x = Math.fround(Math.min(1200, Math.max(0, player.x + moves[i][0])));
      player.y = Math.fround(Math.min(1200, Math.max(0, player.y + moves[i][1])));
      if (moves[i][2] < 0.1) player.hp = Math.max(1, player.hp - 3);
      else if (moves[i][2] < 0.15) player.xp += 5;
    });
    monsters.forEach((key, i) => {
      const monster = world.state.monsters.get(key)!;
      monster.x = Math.fround(monster.x + monsterMoves[i][0]);
      monster.y = Math.fround(monster.y + monsterMoves[i][1]);
    });
    world.interest.update();
  }
}

describe("scoped patch encoding", () => {
  it("sends every client the very bytes Colyseus's own per-view encoding sends, patch after patch", () => {
    const colyseus = new World(false);
    const scoped = new World(true);
    const random = rng(12345);
    const keys: string[] = [];
    const monsters: string[] = [];
    const loot: string[] = [];
    let compared = 0;
    let bytes = 0;
    for (let tick = 0; tick < 600; tick++) {
      step([colyseus, scoped], random, tick, keys, monsters, loot);
      const expected = colyseus.patch();
      const actual = scoped.patch();
      assert.deepEqual([...actual.keys()], [...expected.keys()]);
      for (const [key, frame] of expected) {
        assert.ok(
          actual.get(key)!.equals(frame),
          `patch ${tick}, client ${key}: ${actual.get(key)!.toString("hex")} ≠ ${frame.toString("hex")}`,
        );
        compared++;
        bytes += frame.length;
      }
    }
    assert.ok(scoped.scoped!.views >= compared, "every view went through the scoped walk");
    assert.ok(
      keys.length > 15 && compared > 5000 && bytes > 100_000,
      `a real workload (${keys.length} players, ${compared} patches, ${bytes} bytes)`,
    );
  });

  it("walks only what each view shows: a crowd a client cannot see costs it nothing", () => {
    const world = new World(true);
    // 200 players far apart: nobody sees anybody.
    for (let i = 0; i < 200; i++) world.join(`p${i}`, (i % 20) * 1000, Math.floor(i / 20) * 1000, 10 + i);
    world.patch();
    for (const [, player] of world.state.players) player.x += 1;
    world.interest.update();
    world.scoped!.walked = 0;
    world.patch();
    const queue = (world.encoder as unknown as { root: { changes: { next?: { next?: unknown } } } }).root.changes;
    assert.equal(queue.next, undefined, "the patch drained the queue");
    // Colyseus would have walked all 200 changed players for each of the 200 views (40,000).
    assert.equal(world.scoped!.walked, 200, "each view walked its own character only");
  });
});
