/**
 * Gameplay rules on a real server with real SDK clients: skills (damage, cooldown, range,
 * line of sight, lag compensation), monsters (notice, chase, bite, die, drop, respawn),
 * players' death and respawn, XP and levels, loot ownership, the inventory and its potion.
 *
 * Setup shortcuts are explicit: characters are placed by writing their saved position,
 * the room's random source is fixed where a drop must happen, and the room's simulated
 * clock (`room.now`) is moved forward instead of waiting out long timers. Everything a
 * player does goes through the client's inputs and messages.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Room as ClientRoom } from "@colyseus/sdk";
import {
  ClientMessage,
  distance,
  ITEMS,
  LOOT_OWNER_SECONDS,
  maxHpForLevel,
  MONSTERS,
  PLAYER_RESPAWN_SECONDS,
  ServerMessage,
  SPAWN_PROTECTION_SECONDS,
  Skill,
  SKILLS,
  skillDamage,
  xpToNextLevel,
  type CombatEvent,
} from "@oatnut/shared";
import { Character } from "../src/db/models.ts";
import type { Mob } from "../src/rooms/systems/monsters.ts";
import type { PlayerSession, ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { api, createCharacter, metricValue, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";
import { tileCentre, writeZones } from "./zoneFixtures.ts";

/**
 * The arena: open ground with a wall stub (for line of sight), three monster areas and a
 * portal to a small camp.
 *   dummy  — one passive slime in tile (6, 2), never moves or attacks;
 *   pillar — one passive skeleton in tile (16, 2), behind a wall at column 14;
 *   den    — one aggressive wolf in tile (22, 10), far from the spawn.
 * The camp is a pvp zone.
 */
function arenaWorld(): string {
  const rows = Array.from({ length: 14 }, (_, r) => {
    if (r === 0 || r === 13) return "#".repeat(30);
    const inner = Array.from({ length: 28 }, (_, c) => (c + 1 === 14 && r >= 1 && r <= 4 ? "#" : "."));
    return `#${inner.join("")}#`;
  });
  return writeZones({
    arena: {
      starting: true,
      rows,
      displayName: "Arena",
      viewRadius: 2000,
      safeRadius: 96, // the dummy stands 112 px from the spawn point
      spawns: { default: [2, 2], fromCamp: [26, 4] },
      portals: [{ name: "toCamp", rect: [28, 6, 1, 1], targetZone: "camp", targetSpawn: "fromArena" }],
      monsterAreas: [
        { name: "dummy", rect: [6, 2, 1, 1], properties: { monster: "slime", count: 1, behaviour: "passive", wander: false } },
        { name: "pillar", rect: [16, 2, 1, 1], properties: { monster: "skeleton", count: 1, behaviour: "passive", wander: false } },
        { name: "den", rect: [22, 10, 1, 1], properties: { monster: "wolf", count: 1, wander: false } },
      ],
    },
    camp: {
      rows: ["##########", "#........#", "#........#", "#........#", "##########"],
      displayName: "Camp",
      viewRadius: 2000,
      pvp: true,
      spawns: { default: [4, 2], fromArena: [4, 2] },
      portals: [{ name: "out", rect: [1, 1, 1, 1], targetZone: "arena", targetSpawn: "fromCamp" }],
    },
  });
}

let game: TestGame;
const openRooms: ClientRoom[] = [];
before(async () => {
  game = await startTestGame({ ZONES_DIR: arenaWorld(), AUTOSAVE_SECONDS: "3600", RECONNECT_SECONDS: "2" });
});
afterEach(async () => {
  await Promise.all(openRooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
});
after(async () => {
  await game.stop();
});

let counter = 0;
async function newCharacter(at: { x: number; y: number }, zone = "arena") {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, `Fighter_${++counter}`);
  await Character.updateOne({ _id: character.id }, { $set: { zone, x: at.x, y: at.y } });
  return { token, id: character.id, name: character.name as string };
}

interface Player {
  room: ClientRoom<any, any>;
  /** Every combat event this client received, in order. */
  events: CombatEvent[];
  notices: string[];
  input: ReturnType<ClientRoom["input"]>;
}

async function play(character: { token: string; id: string }): Promise<Player> {
  const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token: character.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return join(res.body);
}

async function join(reservation: any): Promise<Player> {
  const room = await game.colyseus.sdk.consumeSeatReservation<any>(reservation);
  openRooms.push(room);
  const events: CombatEvent[] = [];
  const notices: string[] = [];
  room.onMessage(ServerMessage.Combat, (batch: CombatEvent[]) => events.push(...batch));
  room.onMessage(ServerMessage.Notice, (message: { text: string }) => notices.push(message.text));
  room.onMessage(ServerMessage.Chat, () => {});
  room.onMessage(ServerMessage.Transfer, () => {});
  await waitFor(() => room.state.players?.get(room.sessionId), "own player in state");
  // The render-time stamp lag compensation reads, as the game client's interpolation delay.
  const input = room.input({ mode: "reliable", renderDelay: 100 });
  const player = { room, events, notices, input };
  await syncClock(player);
  return player;
}

/** A few zero inputs, so the client's clock is synced and its render-time stamps are real. */
async function syncClock(player: Player): Promise<void> {
  for (let i = 0; i < 12; i++) {
    await send(player, { dx: 0, dy: 0 });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await waitFor(() => player.room.clock.lastServerTime() > 0 && player.room.clock.smoothedRtt() > 0, "clock synced");
}

async function send(player: Player, data: { dx?: number; dy?: number; skill?: number; target?: number }): Promise<void> {
  const input = player.input as any;
  input.data.dx = data.dx ?? 0;
  input.data.dy = data.dy ?? 0;
  input.data.skill = data.skill ?? 0;
  input.data.target = data.target ?? 0;
  input.send();
  input.data.skill = 0;
  input.data.target = 0;
}

/** Uses a skill and waits for the server's answer (a hit or a refusal) to reach the user. */
async function useSkill(player: Player, skill: number, target: number): Promise<CombatEvent> {
  const before = player.events.length;
  await send(player, { skill, target });
  return waitFor(
    () =>
      player.events
        .slice(before)
        .find((e) => (e.type === "hit" || e.type === "refused") && e.skill === skill && (e.type === "refused" || e.target === target)),
    "the skill's outcome",
  );
}

function serverRoom(player: Player): ZoneRoom {
  return game.colyseus.getRoomById(player.room.roomId) as unknown as ZoneRoom;
}

function session(player: Player): PlayerSession {
  return serverRoom(player).sessions.get(player.room.sessionId)!;
}

function mobIn(room: ZoneRoom, areaName: string): Mob {
  const slot = room.systems.monsters.slots.find((s) => s.area.name === areaName)!;
  assert.ok(slot.mob, `a monster lives in ${areaName}`);
  return slot.mob!;
}

/** Puts a character `offset` px to the left of a monster (setup). */
function standBeside(player: Player, mob: Mob, offset: number): void {
  serverRoom(player).teleport(session(player), { x: mob.monster.x - offset, y: mob.monster.y });
}

/** Moves the room's simulated clock forward (instead of waiting out a long timer). */
async function advance(room: ZoneRoom, ms: number): Promise<void> {
  room.now += ms;
  await new Promise((resolve) => setTimeout(resolve, 120)); // a couple of ticks run at the new time
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Kills the arena's dummy slime with strikes; returns the last event list index before it. */
async function killDummy(player: Player): Promise<Mob> {
  const room = serverRoom(player);
  const mob = mobIn(room, "dummy");
  standBeside(player, mob, 30);
  await sleep(600); // the attacker's screen has caught up with the new place
  while (mob.monster.hp > 0) {
    const outcome = await useSkill(player, Skill.Melee, mob.monster.eid);
    if (outcome.type === "refused") assert.equal(outcome.reason, "cooldown", "only the cooldown holds the strikes back");
    await sleep(SKILLS[Skill.Melee].cooldownMs / 2);
  }
  return mob;
}

describe("combat", () => {
  it("deals the skill's damage to a target in range, and both players nearby see the hit", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const bob = await play(await newCharacter(tileCentre(3, 4)));
    const room = serverRoom(alice);
    const mob = mobIn(room, "dummy");
    standBeside(alice, mob, 30);
    await sleep(600);
    const hpBefore = mob.monster.hp;
    const outcome = await useSkill(alice, Skill.Melee, mob.monster.eid);
    const damage = skillDamage(SKILLS[Skill.Melee], 1);
    assert.deepEqual(outcome, {
      type: "hit",
      source: session(alice).player.eid,
      target: mob.monster.eid,
      skill: Skill.Melee,
      amount: damage,
    });
    assert.equal(mob.monster.hp, hpBefore - damage);
    await waitFor(() => bob.events.some((e) => e.type === "hit" && e.target === mob.monster.eid), "Bob sees the hit");
    await waitFor(() => bob.room.state.monsters.get(String(mob.monster.eid))?.hp === hpBefore - damage, "Bob sees the monster's HP drop");
  });

  it("refuses a skill used again within its cooldown, and allows it after", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const mob = mobIn(serverRoom(alice), "dummy");
    standBeside(alice, mob, 30);
    await sleep(600);
    mob.monster.hp = mob.monster.maxHp;
    const first = useSkill(alice, Skill.Melee, mob.monster.eid);
    await send(alice, { skill: Skill.Melee, target: mob.monster.eid }); // the very next step
    assert.equal((await first).type, "hit");
    const refused = await waitFor(() => alice.events.find((e) => e.type === "refused"), "the second use is refused");
    assert.deepEqual(refused, { type: "refused", skill: Skill.Melee, reason: "cooldown" });
    assert.equal(mob.monster.hp, mob.monster.maxHp - skillDamage(SKILLS[Skill.Melee], 1), "only one strike landed");
    await sleep(SKILLS[Skill.Melee].cooldownMs + 100);
    assert.equal((await useSkill(alice, Skill.Melee, mob.monster.eid)).type, "hit", "after the cooldown it lands again");
  });

  it("checks range per skill: out of a strike's reach, a firebolt still lands", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const mob = mobIn(serverRoom(alice), "dummy");
    standBeside(alice, mob, 100);
    await sleep(600);
    assert.ok(distance(session(alice).player, mob.monster) > SKILLS[Skill.Melee].range);
    assert.deepEqual(await useSkill(alice, Skill.Melee, mob.monster.eid), { type: "refused", skill: Skill.Melee, reason: "range" });
    const bolt = await useSkill(alice, Skill.Bolt, mob.monster.eid);
    assert.equal(bolt.type, "hit");
    assert.equal((bolt as { amount: number }).amount, skillDamage(SKILLS[Skill.Bolt], 1));
    standBeside(alice, mob, SKILLS[Skill.Bolt].range + 40);
    await sleep(SKILLS[Skill.Bolt].cooldownMs + 600);
    assert.deepEqual(await useSkill(alice, Skill.Bolt, mob.monster.eid), { type: "refused", skill: Skill.Bolt, reason: "range" });
  });

  it("blocks a firebolt with a wall in the way", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const room = serverRoom(alice);
    const mob = mobIn(room, "pillar");
    room.teleport(session(alice), tileCentre(12, 2)); // the wall (column 14) stands between
    await sleep(600);
    assert.ok(distance(session(alice).player, mob.monster) < SKILLS[Skill.Bolt].range);
    assert.deepEqual(await useSkill(alice, Skill.Bolt, mob.monster.eid), { type: "refused", skill: Skill.Bolt, reason: "sight" });
    room.teleport(session(alice), tileCentre(15, 7)); // past the wall's end: a clear line
    await sleep(600);
    assert.equal((await useSkill(alice, Skill.Bolt, mob.monster.eid)).type, "hit");
  });

  it("judges a hit where the target was on the attacker's screen (lag compensation), within the rewind window", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const mob = mobIn(serverRoom(alice), "dummy");
    mob.monster.hp = mob.monster.maxHp;
    standBeside(alice, mob, 30);
    await sleep(600);
    // The target leaps out of reach on the server; the attacker, who draws the world
    // 100 ms in the past, still sees it in reach and strikes at once.
    const home = { x: mob.monster.x, y: mob.monster.y };
    mob.monster.x += 80;
    const strike = await useSkill(alice, Skill.Melee, mob.monster.eid);
    assert.equal(strike.type, "hit", "judged against the rewound position");
    // Once the attacker's screen shows the new place, the same strike is out of reach.
    await sleep(SKILLS[Skill.Melee].cooldownMs + 600);
    assert.deepEqual(await useSkill(alice, Skill.Melee, mob.monster.eid), { type: "refused", skill: Skill.Melee, reason: "range" });
    mob.monster.x = home.x;
    mob.monster.y = home.y;
  });

  it("refuses unknown skills, unknown targets and players outside pvp zones", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const bob = await play(await newCharacter(tileCentre(4, 2)));
    assert.deepEqual(await useSkill(alice, 99, session(bob).player.eid), { type: "refused", skill: 99, reason: "skill" });
    assert.deepEqual(await useSkill(alice, Skill.Melee, 999_999), { type: "refused", skill: Skill.Melee, reason: "target" });
    const bobEid = session(bob).player.eid;
    assert.deepEqual(await useSkill(alice, Skill.Melee, bobEid), { type: "refused", skill: Skill.Melee, reason: "target" });
    assert.equal(session(bob).player.hp, session(bob).player.maxHp);
  });
  it("lets players fight each other in a pvp zone, once their spawn protection is over", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2), "camp"));
    const bob = await play(await newCharacter(tileCentre(4, 2), "camp"));
    assert.equal(serverRoom(alice).map.pvp, true);
    const target = session(bob).player;
    assert.deepEqual(
      await useSkill(alice, Skill.Melee, target.eid),
      { type: "refused", skill: Skill.Melee, reason: "target" },
      "Bob just arrived",
    );
    assert.equal(target.hp, target.maxHp);
    await advance(serverRoom(alice), SPAWN_PROTECTION_SECONDS * 1000);
    await waitFor(() => !target.spawnProtected, "Bob's protection is over");
    const hit = await useSkill(alice, Skill.Melee, target.eid);
    assert.equal(hit.type, "hit");
    assert.equal(target.hp, target.maxHp - skillDamage(SKILLS[Skill.Melee], 1));
    await waitFor(() => bob.events.some((e) => e.type === "hit" && e.target === target.eid), "Bob feels it");
  });
});

describe("monsters and progression", () => {
  it("a killed monster dies, drops loot owned by its killer, gives XP, and respawns after its delay", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const room = serverRoom(alice);
    room.random = () => 0; // every drop of the table falls, with its minimum count
    try {
      const mob = await killDummy(alice);
      const eid = mob.monster.eid;
      await waitFor(() => alice.events.some((e) => e.type === "death" && e.eid === eid), "the death is seen");
      await waitFor(() => !alice.room.state.monsters.has(String(eid)), "the monster is gone from the client's state");
      const drops = [...alice.room.state.loot.values()] as Array<{ item: string; count: number; owner: string; x: number; y: number }>;
      assert.deepEqual(drops.map((d) => d.item).sort(), MONSTERS.slime.loot.map((l) => l.item).sort(), "the slime's table dropped");
      assert.ok(drops.every((d) => d.owner === session(alice).player.name && distance(d, mob.monster) < 20));
      assert.equal(session(alice).player.xp, MONSTERS.slime.xp);
      const slot = mob.slot;
      assert.equal(slot.mob, null);
      await advance(room, MONSTERS.slime.respawnSeconds * 1000);
      await waitFor(() => slot.mob && alice.room.state.monsters.has(String(slot.mob.monster.eid)), "a new slime in the area");
      assert.notEqual(slot.mob!.monster.eid, eid, "a new entity");
      assert.equal(slot.mob!.monster.hp, MONSTERS.slime.maxHp);
    } finally {
      room.random = Math.random;
    }
  });

  it("levels up with enough XP: higher maximum HP and damage, full health, saved at once", async () => {
    const character = await newCharacter(tileCentre(3, 2));
    await Character.updateOne({ _id: character.id }, { $set: { xp: xpToNextLevel(1) - 1, hp: 50 } });
    const alice = await play(character);
    assert.equal(session(alice).player.hp, 50, "HP comes back from the save");
    const room = serverRoom(alice);
    await advance(room, MONSTERS.slime.respawnSeconds * 1000); // the dummy is back if a test killed it
    await killDummy(alice);
    const me = session(alice).player;
    assert.equal(me.level, 2);
    assert.equal(me.xp, xpToNextLevel(1) - 1 + MONSTERS.slime.xp - xpToNextLevel(1));
    assert.equal(me.maxHp, maxHpForLevel(2));
    assert.equal(me.hp, maxHpForLevel(2));
    await waitFor(() => alice.events.some((e) => e.type === "levelUp" && e.level === 2), "the level-up is announced");
    // Saved promptly (autosave is an hour away): a crash now would keep it.
    await waitFor(async () => (await Character.findById(character.id).lean())?.level === 2, "level 2 saved");
    const saved = (await Character.findById(character.id).lean())!;
    assert.deepEqual({ xp: saved.xp, hp: saved.hp }, { xp: me.xp, hp: me.hp });
    // And the next strike hits harder.
    await advance(room, MONSTERS.slime.respawnSeconds * 1000);
    const mob = mobIn(room, "dummy");
    standBeside(alice, mob, 30);
    await sleep(600);
    const hit = await useSkill(alice, Skill.Melee, mob.monster.eid);
    assert.equal((hit as { amount: number }).amount, skillDamage(SKILLS[Skill.Melee], 2));
  });

  it("an aggressive monster notices a player, chases, bites; the player dies, pays the penalty and respawns at the spawn", async () => {
    const character = await newCharacter(tileCentre(3, 2));
    await Character.updateOne({ _id: character.id }, { $set: { xp: 8 } });
    const alice = await play(character);
    const room = serverRoom(alice);
    const wolf = mobIn(room, "den");
    const home = { x: wolf.monster.x, y: wolf.monster.y };
    const me = session(alice).player;
    // Just arrived: protected, and her client knows it. The wolf leaves her alone until it is over.
    assert.equal(alice.room.state.players.get(alice.room.sessionId).spawnProtected, true);
    room.teleport(session(alice), { x: home.x - 120, y: home.y });
    const from = room.now;
    await waitFor(() => room.now >= from + 500, "half a second of the room's time");
    assert.equal(wolf.state, "idle", "a protected player is not noticed");
    await advance(room, SPAWN_PROTECTION_SECONDS * 1000);
    await waitFor(() => alice.room.state.players.get(alice.room.sessionId).spawnProtected === false, "the client sees the protection end");
    me.hp = MONSTERS.wolf.damage * 2;
    room.teleport(session(alice), { x: home.x - 120, y: home.y }); // within notice range, out of reach
    await waitFor(() => wolf.state === "chase", "the wolf notices", 3000);
    await waitFor(() => distance(wolf.monster, home) > 40, "the wolf comes closer");
    await waitFor(() => alice.events.some((e) => e.type === "bite" && e.source === wolf.monster.eid), "it bites");
    await waitFor(() => me.hp === 0, "the player dies", 8000);
    await waitFor(() => alice.events.some((e) => e.type === "death" && e.eid === me.eid), "the death is announced");
    assert.equal(me.xp, 6, "a quarter of this level's XP is lost");
    const deadAt = { x: me.x, y: me.y };
    await send(alice, { dx: 1 });
    await sleep(200);
    assert.deepEqual({ x: me.x, y: me.y }, deadAt, "the dead do not walk");
    await waitFor(() => wolf.state === "return" || wolf.state === "idle", "the wolf loses interest in the dead");
    await waitFor(() => me.hp > 0, "respawned", PLAYER_RESPAWN_SECONDS * 1000 + 3000);
    assert.deepEqual({ x: me.x, y: me.y }, room.map.spawn, "at the zone's spawn");
    assert.equal(me.spawnProtected, true, "protected again");
    assert.equal(me.hp, Math.round(me.maxHp / 2));
    await waitFor(() => alice.events.some((e) => e.type === "respawn" && e.eid === me.eid), "the respawn is announced");
    await waitFor(async () => (await Character.findById(character.id).lean())?.xp === 6, "the penalty is saved");
  });
  it("a character saved while dead comes back at the spawn with half its health, without paying twice", async () => {
    const character = await newCharacter(tileCentre(20, 8));
    await Character.updateOne({ _id: character.id }, { $set: { hp: 0, xp: 6, level: 2 } });
    const alice = await play(character);
    const me = session(alice).player;
    assert.deepEqual({ x: me.x, y: me.y }, serverRoom(alice).map.spawn);
    assert.equal(me.hp, Math.round(maxHpForLevel(2) / 2));
    assert.deepEqual({ level: me.level, xp: me.xp }, { level: 2, xp: 6 });
  });
});

describe("loot and inventory", () => {
  it("loot belongs to its killer for a while: others can neither walk over nor click it away, then anyone may", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const bob = await play(await newCharacter(tileCentre(3, 6)));
    const room = serverRoom(alice);
    room.random = () => 0;
    let drop: { id: number; x: number; y: number };
    try {
      await advance(room, MONSTERS.slime.respawnSeconds * 1000);
      await killDummy(alice);
      drop = [...room.state.loot.values()].find((d) => d.item === "gel")!;
    } finally {
      room.random = Math.random;
    }
    room.teleport(session(alice), tileCentre(3, 6)); // Alice steps away
    room.teleport(session(bob), { x: drop.x, y: drop.y }); // Bob stands on it
    await sleep(300);
    assert.ok(room.state.loot.has(String(drop.id)), "walking over someone else's loot takes nothing");
    bob.room.send(ClientMessage.PickUp, { id: drop.id });
    await waitFor(() => bob.events.some((e) => e.type === "pickUpRefused" && e.reason === "owned"), "Bob is told (a typed refusal)");
    assert.equal(session(bob).player.inventory.length, 0);
    // Once the owner's time is up, anyone may take it.
    await advance(room, LOOT_OWNER_SECONDS * 1000);
    await waitFor(() => !room.state.loot.has(String(drop.id)), "Bob picks it up by standing on it");
    assert.deepEqual(
      session(bob).player.inventory.map((s) => ({ item: s.item, count: s.count })),
      [{ item: "gel", count: 1 }],
    );
    await waitFor(() => bob.events.some((e) => e.type === "pickup" && e.item === "gel"), "Bob hears of it");
    await waitFor(() => bob.room.state.players.get(bob.room.sessionId).inventory?.length === 1, "Bob's client sees his inventory");
    assert.equal(alice.room.state.players.get(bob.room.sessionId)?.inventory?.length ?? 0, 0, "nobody else sees Bob's inventory");
  });

  it("picks up by clicking within reach; a potion heals and is used up; it cannot be used at full health", async () => {
    const alice = await play(await newCharacter(tileCentre(3, 2)));
    const room = serverRoom(alice);
    const drop = room.systems.loot.place("potion", 2, tileCentre(3, 3), "");
    alice.room.send(ClientMessage.PickUp, { id: drop.id }); // 32 px away: within reach
    await waitFor(() => session(alice).player.inventory.length === 1, "picked up");
    const me = session(alice).player;
    assert.deepEqual({ item: me.inventory[0].item, count: me.inventory[0].count }, { item: "potion", count: 2 });
    alice.room.send(ClientMessage.UseItem, { item: "potion" });
    await waitFor(
      () => alice.events.some((e) => e.type === "itemRefused" && e.item === "potion" && e.reason === "fullHealth"),
      "refused at full health",
    );
    assert.equal(me.inventory[0].count, 2);
    me.hp = 10;
    alice.room.send(ClientMessage.UseItem, { item: "potion" });
    await waitFor(() => me.hp === 10 + ITEMS.potion.heal!, "healed");
    assert.equal(me.inventory[0].count, 1);
    await waitFor(() => alice.events.some((e) => e.type === "heal" && e.amount === ITEMS.potion.heal), "the heal is shown");
    alice.room.send(ClientMessage.UseItem, { item: "potion" });
    await waitFor(() => alice.events.some((e) => e.type === "itemRefused" && e.reason === "cooldown"), "the item cooldown holds");
    assert.equal(me.inventory[0].count, 1);
    // Far away drops cannot be clicked; bad messages get a clear refusal.
    const far = room.systems.loot.place("bone", 1, tileCentre(12, 8), "");
    alice.room.send(ClientMessage.PickUp, { id: far.id });
    await waitFor(() => alice.events.some((e) => e.type === "pickUpRefused" && e.id === far.id && e.reason === "far"), "too far");
    alice.room.send(ClientMessage.PickUp, { id: "x" });
    await waitFor(() => alice.notices.some((n) => /pickUp.*refused: id must be a positive integer/.test(n)), "bad pick-up refused");
    // A second bad message within the refusal window is counted, not told again.
    const refusedItems = await metricValue("oatnut_messages_rejected_total", { type: "useItem", reason: "invalid" });
    alice.room.send(ClientMessage.UseItem, { item: "<script>" });
    await waitFor(
      async () => (await metricValue("oatnut_messages_rejected_total", { type: "useItem", reason: "invalid" })) === refusedItems + 1,
      "bad item refused",
    );
    await waitFor(async () => {
      const saved = await Character.findById(session(alice).characterId).lean();
      return saved?.inventory.length === 1 && saved.inventory[0].count === 1 && saved.hp === 10 + ITEMS.potion.heal!;
    }, "the use is saved at once");
  });
});

describe("no duplication", () => {
  /** Drops `count` pelts at the character's feet, owned by it, and waits until they are picked up. */
  async function pickUpPelts(player: Player, count: number): Promise<void> {
    const room = serverRoom(player);
    const me = session(player).player;
    room.systems.loot.place("pelt", count, { x: me.x, y: me.y }, me.name);
    await waitFor(() => me.inventory.some((s) => s.item === "pelt"), "picked up");
  }

  async function savedPelts(characterId: string): Promise<number> {
    const saved = await Character.findById(characterId).lean();
    return (saved?.inventory ?? []).filter((s) => s.item === "pelt").reduce((n, s) => n + s.count, 0);
  }

  function peltsIn(room: ZoneRoom, characterId: string): number {
    let total = 0;
    for (const s of room.sessions.values()) {
      if (s.characterId !== characterId) continue;
      for (const stack of s.player.inventory) if (stack.item === "pelt") total += stack.count;
    }
    return total;
  }

  it("a pick-up is saved at once and survives a disconnect right after it, with one copy after reconnecting", async () => {
    const character = await newCharacter(tileCentre(3, 8));
    const alice = await play(character);
    alice.room.reconnection.minUptime = 0;
    const room = serverRoom(alice);
    const reconnected = new Promise<void>((resolve) => alice.room.onReconnect(() => resolve()));
    await pickUpPelts(alice, 3);
    (room.clients.get(alice.room.sessionId) as unknown as { ref: { terminate(): void } }).ref.terminate();
    await waitFor(async () => (await savedPelts(character.id)) === 3, "saved without waiting for the autosave");
    await reconnected;
    assert.equal(peltsIn(room, character.id), 3);
    assert.equal([...room.state.loot.values()].filter((d) => d.item === "pelt").length, 0, "nothing left on the ground");
    await alice.room.leave();
    await waitFor(() => !room.sessions.has(alice.room.sessionId), "left");
    assert.equal(await savedPelts(character.id), 3);
  });

  it("entering the same character again right after a pick-up keeps exactly one copy of the item", async () => {
    const character = await newCharacter(tileCentre(3, 9));
    const first = await play(character);
    await pickUpPelts(first, 2);
    const second = await play(character); // takes over: the old session is saved, then read
    const room = serverRoom(second);
    assert.equal(peltsIn(room, character.id), 2);
    await waitFor(() => !first.room.connection.isOpen, "the old session is closed");
    assert.equal(room.sessions.size > 0 && [...room.sessions.values()].filter((s) => s.characterId === character.id).length, 1);
    assert.equal(await savedPelts(character.id), 2);
  });

  it("walking into a portal right after a pick-up carries the item once, saved in the target zone", async () => {
    const character = await newCharacter(tileCentre(27, 6));
    const alice = await play(character);
    const arena = serverRoom(alice);
    await pickUpPelts(alice, 1);
    const transfer = new Promise<any>((resolve) => alice.room.onMessage(ServerMessage.Transfer, resolve));
    for (let i = 0; i < 10; i++) {
      await send(alice, { dx: 1 });
      await sleep(50);
    }
    const offer = await transfer;
    assert.equal(offer.zone, "camp");
    const camp = await join(offer.reservation);
    await alice.room.leave();
    assert.equal(peltsIn(serverRoom(camp), character.id), 1);
    assert.equal(peltsIn(arena, character.id), 0);
    const saved = (await Character.findById(character.id).lean())!;
    assert.equal(saved.zone, "camp");
    assert.equal(await savedPelts(character.id), 1);
  });

  it("two characters on the same drop: exactly one gets it", async () => {
    const alice = await play(await newCharacter(tileCentre(8, 8)));
    const bob = await play(await newCharacter(tileCentre(8, 8)));
    const room = serverRoom(alice);
    room.systems.loot.place("bone", 1, tileCentre(8, 8), "");
    await waitFor(() => room.systems.loot.count === 0, "taken");
    const holders = [alice, bob].filter((p) => session(p).player.inventory.some((s) => s.item === "bone"));
    assert.equal(holders.length, 1);
  });
});
