/**
 * Fan-out patch encoding (rooms/patchFanOut.ts) sends each client exactly the frame
 * Colyseus's own SchemaSerializer sends: two identical worlds take the same seeded
 * sequence of joins, walks, fights, drops, inventory changes and departures; one makes its
 * patches with Colyseus's serializer, the other with the fan-out installed on the same
 * kind of serializer; every client's frame must be byte for byte the same, patch after
 * patch — with the input-timing prefix, for a client whose view the interest system does
 * not manage, and for a client not yet joined.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientState, SchemaSerializer } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { ItemStack, LootDrop, Monster, Player, seededRandom, ZoneState } from "@oatnut/shared";
import { PatchFanOut, type SchemaSerializerInternals } from "../src/rooms/patchFanOut.ts";
import { InterestManager } from "../src/rooms/systems/interest.ts";

/** What the serializer sees of a client: its state, view, acknowledged input and a socket that records. */
class FakeClient {
  state: number = ClientState.JOINED;
  readonly frames: Buffer[] = [];
  readonly _inputBuffer = { ackSeq: 0 };
  constructor(
    readonly sessionId: string,
    readonly view: StateView,
  ) {}
  raw(data: Uint8Array): void {
    this.frames.push(Buffer.from(data));
  }
}

/** A zone's state, its interest system and its clients, patched one way or the other. */
class World {
  readonly state = new ZoneState();
  readonly serializer = new SchemaSerializer();
  readonly interest = new InterestManager(300, 3);
  readonly clients: FakeClient[] = [];
  readonly fanOut?: PatchFanOut;

  constructor(fanOut: boolean) {
    this.state.zone = "field";
    this.serializer.reset(this.state);
    if (fanOut) {
      const internals = this.serializer as unknown as SchemaSerializerInternals;
      this.fanOut = new PatchFanOut(internals, this.interest, [this.state.players, this.state.monsters, this.state.loot]).install();
    }
  }

  join(key: string, x: number, y: number, eid: number, managed = true): void {
    const player = new Player();
    Object.assign(player, { eid, name: `P${key}`, x, y, hp: 50, maxHp: 50, level: 1, characterId: `c${key}`, speed: 160, xp: 0 });
    this.state.players.set(key, player);
    const view = new StateView();
    const client = new FakeClient(key, view);
    this.clients.push(client);
    if (managed) this.interest.add(key, player, view);
    else {
      // A view kept by hand, outside the interest system: its own character only.
      view.add(player);
      view.add(player, 1);
    }
  }

  leave(key: string): void {
    this.interest.remove(key);
    this.state.players.delete(key);
    this.clients.splice(
      this.clients.findIndex((client) => client.sessionId === key),
      1,
    );
  }

  patch(tick: number, timed: boolean): Map<string, Buffer> {
    for (const client of this.clients) client._inputBuffer.ackSeq = tick * 3;
    this.serializer.applyPatches(this.clients as never, this.state, timed ? { sNow: tick * 50 + 0.25 } : undefined);
    const out = new Map<string, Buffer>();
    for (const client of this.clients) {
      assert.ok(client.frames.length <= 1, "at most one frame a patch");
      if (client.frames.length) out.set(client.sessionId, client.frames.pop()!);
    }
    return out;
  }
}

/** Applies one seeded random step to both worlds alike. */
function step(worlds: World[], random: () => number, tick: number, keys: string[], monsters: string[], loot: string[]): void {
  const choice = random();
  if (choice < 0.06 || keys.length < 5) {
    const key = `s${tick}`;
    const [x, y] = [random() * 1200, random() * 1200];
    const managed = tick % 17 !== 3; // now and then a view the interest system does not manage
    for (const world of worlds) world.join(key, x, y, 1000 + tick, managed);
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
  } else if (choice < 0.26 && keys.length > 0) {
    // A client not (or no longer) joined: it gets no frame either way.
    const index = Math.floor(random() * keys.length);
    for (const world of worlds) {
      const client = world.clients.find((c) => c.sessionId === keys[index])!;
      client.state = client.state === ClientState.JOINED ? ClientState.LEAVING : ClientState.JOINED;
    }
  }
  // Everyone walks a little; some take damage, gain XP (owner-only) or level up; monsters wander.
  const moves = keys.map(() => [random() * 40 - 20, random() * 40 - 20, random()]);
  const monsterMoves = monsters.map(() => [random() * 10 - 5, random() * 10 - 5, random()]);
  for (const world of worlds) {
    keys.forEach((key, i) => {
      const player = world.state.players.get(key)!;
      player.x = Math.fround(Math.min(1200, Math.max(0, player.x + moves[i][0])));
      player.y = Math.fround(Math.min(1200, Math.max(0, player.y + moves[i][1])));
      if (moves[i][2] < 0.1) player.hp = Math.max(1, player.hp - 3);
      else if (moves[i][2] < 0.15) player.xp += 5;
      else if (moves[i][2] < 0.16) player.level += 1;
      else if (moves[i][2] < 0.3) player.facing = (player.facing + 1) % 4;
    });
    monsters.forEach((key, i) => {
      const monster = world.state.monsters.get(key)!;
      if (monsterMoves[i][2] < 0.5) return; // some stand still
      monster.x = Math.fround(monster.x + monsterMoves[i][0]);
      monster.y = Math.fround(monster.y + monsterMoves[i][1]);
    });
    world.interest.update();
  }
}

describe("fan-out patch encoding", () => {
  it("sends every client the very frame Colyseus's own serializer sends, patch after patch", () => {
    const colyseus = new World(false);
    const fanned = new World(true);
    const random = seededRandom(12345);
    const keys: string[] = [];
    const monsters: string[] = [];
    const loot: string[] = [];
    let compared = 0;
    let bytes = 0;
    for (let tick = 0; tick < 800; tick++) {
      step([colyseus, fanned], random, tick, keys, monsters, loot);
      const timed = tick % 5 !== 0;
      const expected = colyseus.patch(tick, timed);
      const actual = fanned.patch(tick, timed);
      assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `patch ${tick}: the same clients get a frame`);
      for (const [key, frame] of expected) {
        assert.ok(
          actual.get(key)!.equals(frame),
          `patch ${tick}, client ${key}: ${actual.get(key)!.toString("hex")} ≠ ${frame.toString("hex")}`,
        );
        compared++;
        bytes += frame.length;
      }
    }
    assert.ok(fanned.fanOut!.patches > 700, `the fan-out made the patches (${fanned.fanOut!.patches})`);
    assert.ok(fanned.fanOut!.fallbacks > 0, "clients outside the interest system got Colyseus's walk");
    assert.ok(
      keys.length > 15 && compared > 8000 && bytes > 150_000,
      `a real workload (${keys.length} players, ${compared} frames, ${bytes} bytes)`,
    );
  });
});
