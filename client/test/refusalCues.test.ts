/**
 * The server's refusals reach the player like the client's own: a `refused`,
 * `itemRefused` or `pickUpRefused` cue in `ServerMessage.Combat` (client/src/game/combatCues.ts)
 * becomes a hint in the words of refusals.ts, through the same controls that tell the
 * pre-check's refusals (combatControls.ts), and drops the cooldown of what did not happen.
 */
import { beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { LootDrop, ServerMessage, Skill, type CombatEvent } from "@oatnut/shared";
import { CombatControls, ITEM_COOLDOWN_KEY, skillCooldownKey } from "../src/game/combatControls.ts";
import { CombatCues, type CombatCuesOptions, type CueWorld } from "../src/game/combatCues.ts";
import type { PlayerActions } from "../src/game/playerActions.ts";

let hints: string[];
let controls: CombatControls;
let deliver: (events: CombatEvent[]) => void;
let died: number[];
let sent: string[];

beforeEach(() => {
  hints = [];
  died = [];
  sent = [];
  // Actions that always send: the refusals in these tests come from the server.
  const actions = {
    attack: (skill: number) => (sent.push(`skill ${skill}`), { sent: true }),
    useItem: (item: string) => (sent.push(`item ${item}`), { sent: true }),
  } as unknown as PlayerActions;
  controls = new CombatControls(() => actions, { hint: (text) => hints.push(text), toggleInventory: () => undefined });
  const world: CueWorld = {
    scene: null,
    selfEid: () => 1,
    actorOf: () => null,
    drop: (key) => (key === "7" ? Object.assign(new LootDrop(), { id: 7, item: "pelt", count: 1, x: 0, y: 0, owner: "Bob" }) : undefined),
  };
  let handler: ((message: unknown) => void) | undefined;
  new CombatCues({
    room: {
      onMessage: (type: string, callback: (message: unknown) => void) => {
        assert.equal(type, ServerMessage.Combat);
        handler = callback;
        return () => undefined;
      },
    } as CombatCuesOptions["room"],
    world,
    cue: (cue) => controls.cue(cue),
    died: (eid) => died.push(eid),
  });
  deliver = (events) => handler!(events);
});

describe("the server's refusals", () => {
  it("an item use refused by the server is told, and its cooldown dropped so the player may try again", () => {
    controls.useItem("potion");
    assert.equal(controls.cooldowns.ready(ITEM_COOLDOWN_KEY, performance.now()), false, "the item cooldown runs once sent");
    deliver([{ type: "itemRefused", item: "potion", reason: "fullHealth" }]);
    assert.deepEqual(hints, ["You are already at full health."]);
    assert.equal(controls.cooldowns.ready(ITEM_COOLDOWN_KEY, performance.now()), true);
    deliver([
      { type: "itemRefused", item: "potion", reason: "cooldown" },
      { type: "itemRefused", item: "potion", reason: "none" },
    ]);
    assert.deepEqual(hints, ["You are already at full health.", "Not so fast.", "You have no healing potion."]);
  });

  it("a pick-up refused by the server is told, naming whom the drop is kept for while it is in view", () => {
    deliver([{ type: "pickUpRefused", id: 7, reason: "owned" }]);
    deliver([{ type: "pickUpRefused", id: 8, reason: "owned" }]);
    deliver([{ type: "pickUpRefused", id: 8, reason: "full" }]);
    deliver([{ type: "pickUpRefused", id: 8, reason: "far" }]);
    assert.deepEqual(hints, [
      "That belongs to Bob for now.",
      "That belongs to someone else for now.",
      "Your bags are full.",
      "Too far away to pick that up.",
    ]);
  });

  it("a skill use refused by the server drops its cooldown; a cooldown refusal is not told", () => {
    controls.attack(Skill.Bolt);
    const key = skillCooldownKey(Skill.Bolt);
    assert.equal(controls.cooldowns.ready(key, performance.now()), false);
    deliver([{ type: "refused", skill: Skill.Bolt, reason: "sight" }]);
    assert.equal(controls.cooldowns.ready(key, performance.now()), true);
    controls.attack(Skill.Bolt);
    deliver([{ type: "refused", skill: Skill.Bolt, reason: "cooldown" }]);
    assert.equal(controls.cooldowns.ready(key, performance.now()), true);
    assert.deepEqual(hints, ["No line of sight."]);
    assert.deepEqual(sent, [`skill ${Skill.Bolt}`, `skill ${Skill.Bolt}`]);
  });

  it("a death is passed on (the target is dropped at once) and nothing is told", () => {
    deliver([{ type: "death", eid: 20, by: 1 }]);
    assert.deepEqual(died, [20]);
    assert.deepEqual(hints, []);
  });
});
