/**
 * The player's fight actions (client/src/game/playerActions.ts) on a stub world: the
 * pre-checks are the shared rules (shared/src/actions.ts) applied to what the screen
 * shows, a refused action sends nothing and says why (a typed refusal), an allowed one
 * sends exactly one intent, and the target follows clicks, auto-targeting and deaths.
 */
import { beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { LootDrop, PICKUP_REACH, Skill, SKILLS } from "@oatnut/shared";
import {
  PlayerActions,
  RANGE_SLACK,
  TARGET_DROP_DISTANCE,
  TARGET_DROP_MARGIN,
  type ActionOutcome,
  type ActionScene,
  type ActionWorld,
  type ActorView,
  type OwnCharacter,
} from "../src/game/playerActions.ts";
import type { Picked } from "../src/render/actorRefs.ts";

/** A world of plain data the test sets up, answering like the state mirror. */
class StubWorld implements ActionWorld {
  own: OwnCharacter | null = { eid: 1, name: "Alice", hp: 60, maxHp: 100, x: 100, y: 100, inventory: [{ item: "potion", count: 2 }] };
  monsters: ActorView[] = [];
  characters: ActorView[] = [];
  drops = new Map<string, LootDrop>();

  self() {
    return this.own;
  }

  livingActor(eid: number) {
    return [...this.monsters, ...this.characters].find((a) => a.eid === eid && a.hp > 0) ?? null;
  }

  livingMonsters() {
    return this.monsters.filter((m) => m.hp > 0);
  }

  otherCharacter(key: string) {
    return this.characters.find((c) => c.key === key) ?? null;
  }

  drop(key: string) {
    return this.drops.get(key);
  }
}

/** A scene whose clicks land on whatever `under` says, and which records the target ring. */
class StubScene implements ActionScene {
  under: Picked | null = null;
  ring: Picked | null = null;

  worldAt(screenX: number, screenY: number) {
    return { x: screenX, y: screenY };
  }

  pick() {
    return this.under;
  }

  setTarget(target: Picked | null) {
    this.ring = target;
  }

  /** Entity positions drawn off screen (by x); everything else is on screen. */
  offScreenX = Infinity;

  inView(point: { x: number; y: number }) {
    return point.x < this.offScreenX;
  }
}

const monster = (eid: number, x: number, y: number, hp = 30): ActorView => ({
  eid,
  kind: "monster",
  key: String(eid),
  name: "Wolf",
  hp,
  maxHp: 32,
  x,
  y,
});
const character = (eid: number, key: string, x: number, y: number, hp = 100): ActorView => ({
  eid,
  kind: "character",
  key,
  name: key,
  hp,
  maxHp: 100,
  x,
  y,
});

function drop(id: number, x: number, y: number, owner: string): LootDrop {
  return Object.assign(new LootDrop(), { id, item: "pelt", count: 1, x, y, owner });
}

let world: StubWorld;
let scene: StubScene;
let pvp: boolean;
let sent: Array<[string, ...unknown[]]>;
let actions: PlayerActions;

beforeEach(() => {
  world = new StubWorld();
  scene = new StubScene();
  pvp = false;
  sent = [];
  actions = new PlayerActions({
    world,
    intents: {
      useSkill: (skill, target) => sent.push(["useSkill", skill, target]),
      useItem: (item) => sent.push(["useItem", item]),
      pickUp: (id) => sent.push(["pickUp", id]),
    },
    pvp: () => pvp,
  });
  actions.frame(scene);
});

/** The reason of a refused outcome (asserting it was refused). */
function refusedFor(outcome: ActionOutcome | null): string | undefined {
  assert.ok(outcome && !outcome.sent, `refused: ${JSON.stringify(outcome)}`);
  return outcome.refusal?.reason;
}

describe("using an item", () => {
  it("drinks a potion when wounded and carrying one: one intent", () => {
    assert.deepEqual(actions.useItem("potion"), { sent: true });
    assert.deepEqual(sent, [["useItem", "potion"]]);
  });

  it("refuses by the shared rule, sending nothing", () => {
    world.own!.hp = 100;
    assert.equal(refusedFor(actions.useItem("potion")), "fullHealth");
    world.own!.hp = 60;
    world.own!.inventory = [{ item: "pelt", count: 3 }];
    assert.equal(refusedFor(actions.useItem("potion")), "none", "the inventory is counted (countItem)");
    assert.equal(refusedFor(actions.useItem("pelt")), "unusable");
    assert.equal(refusedFor(actions.useItem("gold")), "unknown");
    world.own!.inventory = [{ item: "potion", count: 1 }];
    world.own!.hp = 0;
    assert.equal(refusedFor(actions.useItem("potion")), "dead");
    assert.deepEqual(sent, []);
  });

  it("says nothing and sends nothing before the own character arrived", () => {
    world.own = null;
    assert.deepEqual(actions.useItem("potion"), { sent: false, refusal: null });
    assert.deepEqual(sent, []);
  });
});

describe("picking up with a click", () => {
  it("picks up a drop in reach that is its own or no one's", () => {
    world.drops.set("7", drop(7, 100 + PICKUP_REACH - 1, 100, "Alice"));
    world.drops.set("8", drop(8, 100, 90, ""));
    scene.under = { kind: "loot", key: "7" };
    assert.deepEqual(actions.click(0, 0), { sent: true });
    scene.under = { kind: "loot", key: "8" };
    assert.deepEqual(actions.click(0, 0), { sent: true });
    assert.deepEqual(sent, [
      ["pickUp", 7],
      ["pickUp", 8],
    ]);
  });

  it("refuses a drop kept for another (naming the owner), one too far, and while dead", () => {
    world.drops.set("7", drop(7, 110, 100, "Bob"));
    scene.under = { kind: "loot", key: "7" };
    const owned = actions.click(0, 0);
    assert.equal(refusedFor(owned), "owned");
    assert.deepEqual(owned, { sent: false, refusal: { kind: "pickUp", reason: "owned", owner: "Bob" } });
    world.drops.set("8", drop(8, 100 + PICKUP_REACH + 1, 100, ""));
    scene.under = { kind: "loot", key: "8" };
    assert.equal(refusedFor(actions.click(0, 0)), "far", "reach is PICKUP_REACH from where the character is drawn");
    world.own!.hp = 0;
    world.drops.set("9", drop(9, 100, 100, ""));
    scene.under = { kind: "loot", key: "9" };
    assert.equal(refusedFor(actions.click(0, 0)), "dead");
    scene.under = { kind: "loot", key: "404" };
    assert.equal(refusedFor(actions.click(0, 0)), "gone");
    assert.deepEqual(sent, []);
  });
});

describe("attacking and targeting", () => {
  it("without a target, attacks the nearest living monster in reach, which becomes the target", () => {
    const reach = SKILLS[Skill.Bolt].range + RANGE_SLACK;
    world.monsters = [
      monster(20, 100 + reach - 10, 100),
      monster(21, 100, 100 + 50),
      monster(22, 110, 100, 0),
      monster(23, 100 + reach + 5, 100),
    ];
    assert.deepEqual(actions.attack(Skill.Bolt), { sent: true });
    assert.deepEqual(sent, [["useSkill", Skill.Bolt, 21]], "the nearest living one (22 is dead)");
    assert.equal(actions.selected, 21);
    assert.deepEqual(scene.ring, { kind: "monster", key: "21" });
    assert.deepEqual(actions.target(), { eid: 21, name: "Wolf", hp: 30, maxHp: 32 });
  });

  it("refuses with no enemy in reach, out of range, and while dead", () => {
    world.monsters = [monster(20, 100 + SKILLS[Skill.Melee].range + RANGE_SLACK + 1, 100)];
    assert.equal(refusedFor(actions.attack(Skill.Melee)), "noTarget");
    assert.equal(actions.selected, null);
    scene.under = { kind: "monster", key: "20" };
    actions.click(0, 0);
    assert.equal(actions.selected, 20, "a click selects it");
    assert.equal(refusedFor(actions.attack(Skill.Melee)), "range");
    assert.deepEqual(actions.attack(Skill.Bolt), { sent: true }, "in Firebolt's range");
    world.own!.hp = 0;
    assert.equal(refusedFor(actions.attack(Skill.Bolt)), "dead");
    assert.deepEqual(sent, [["useSkill", Skill.Bolt, 20]]);
  });

  it("drops the target on empty ground, on Escape, when it dies, and when it is no longer alive or seen", () => {
    world.monsters = [monster(20, 120, 100)];
    const select = () => {
      scene.under = { kind: "monster", key: "20" };
      actions.click(0, 0);
      assert.equal(actions.selected, 20);
    };
    select();
    scene.under = null;
    actions.click(0, 0);
    assert.equal(actions.selected, null);
    assert.equal(scene.ring, null);
    select();
    actions.clearTarget();
    assert.equal(actions.selected, null);
    select();
    actions.forget(99);
    assert.equal(actions.selected, 20, "another's death changes nothing");
    actions.forget(20);
    assert.equal(actions.selected, null);
    select();
    world.monsters[0].hp = 0;
    actions.frame(scene);
    assert.equal(actions.selected, null);
    assert.equal(actions.target(), null);
  });

  it("selects another living player only where players may fight players", () => {
    world.characters = [character(5, "bob-session", 120, 100), character(6, "carol-session", 130, 100, 0)];
    scene.under = { kind: "character", key: "bob-session" };
    actions.click(0, 0);
    assert.equal(actions.selected, null, "no player combat here");
    pvp = true;
    actions.click(0, 0);
    assert.equal(actions.selected, 5);
    scene.under = { kind: "character", key: "carol-session" };
    actions.click(0, 0);
    assert.equal(actions.selected, 5, "a dead player is not selected (the target stays)");
  });

  it("shows the target on a new scene", () => {
    world.monsters = [monster(20, 120, 100)];
    scene.under = { kind: "monster", key: "20" };
    actions.click(0, 0);
    const next = new StubScene();
    actions.frame(next);
    assert.deepEqual(next.ring, { kind: "monster", key: "20" });
  });

  it("drops a target that gets out of reach: beyond the longest range by a margin, or off screen", () => {
    assert.equal(TARGET_DROP_DISTANCE, SKILLS[Skill.Bolt].range + TARGET_DROP_MARGIN);
    world.monsters = [monster(20, 140, 100)];
    scene.under = { kind: "monster", key: "20" };
    actions.click(0, 0);
    // The player walks away: kept while within reach, dropped past it.
    world.own!.x = 140 - TARGET_DROP_DISTANCE;
    actions.frame(scene);
    assert.equal(actions.selected, 20, "at the edge of reach, kept");
    world.own!.x -= 2;
    actions.frame(scene);
    assert.equal(actions.selected, null, "past it, dropped");
    assert.equal(scene.ring, null);

    // One selected far away (a click across a large screen) is kept until the gap widens.
    world.own!.x = 100;
    world.monsters = [monster(21, 100 + TARGET_DROP_DISTANCE + 100, 100)];
    scene.under = { kind: "monster", key: "21" };
    actions.click(0, 0);
    actions.frame(scene);
    assert.equal(actions.selected, 21, "not dropped at once");
    world.own!.x -= TARGET_DROP_MARGIN - 1;
    actions.frame(scene);
    assert.equal(actions.selected, 21);
    world.own!.x -= 2;
    actions.frame(scene);
    assert.equal(actions.selected, null, "dropped once it is the margin farther than when selected");

    // Off screen: dropped, however close.
    world.own!.x = 100;
    world.monsters = [monster(22, 150, 100)];
    scene.under = { kind: "monster", key: "22" };
    actions.click(0, 0);
    scene.offScreenX = 140;
    actions.frame(scene);
    assert.equal(actions.selected, null, "drawn off screen: dropped");
    assert.equal(refusedFor(actions.attack(Skill.Melee)), "noTarget", "and an attack does not pick a monster off screen");
  });

  it("targets a monster that bites, unless the target is being fought in melee", () => {
    const melee = SKILLS[Skill.Melee].range;
    world.monsters = [monster(20, 100 + 150, 100), monster(21, 100 + 20, 100), monster(22, 100 - 20, 100)];
    actions.attackedBy(21);
    assert.equal(actions.selected, 21, "no target: the biter is selected");
    scene.under = { kind: "monster", key: "20" };
    actions.click(0, 0);
    assert.equal(actions.selected, 20, "the player chose one out of melee reach");
    actions.attackedBy(21);
    assert.equal(actions.selected, 21, "bitten by another while the target is out of reach: the biter");
    assert.deepEqual(scene.ring, { kind: "monster", key: "21" });
    assert.ok(20 < melee, "21 is in melee reach");
    actions.attackedBy(22);
    assert.equal(actions.selected, 21, "the target is in melee reach: kept");
    actions.attackedBy(99);
    assert.equal(actions.selected, 21, "a biter not in view changes nothing");
    world.own!.hp = 0;
    actions.clearTarget();
    actions.attackedBy(21);
    assert.equal(actions.selected, null, "nothing is selected for the dead");
  });
});
