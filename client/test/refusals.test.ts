/**
 * The words of every refusal (client/src/game/refusals.ts): each code of each kind — a
 * skill use, an item use, a pick-up — has a sentence, the sentences name what they are
 * about, and a refusal not worth telling (a skill's cooldown) says nothing.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ITEMS, SKILLS, Skill, type ItemRefusal, type PickUpRefusal } from "@oatnut/shared";
import { ITEM_REFUSALS, PICK_UP_REFUSALS, refusalText, SKILL_REFUSALS, type Refusal, type SkillUseRefusal } from "../src/game/refusals.ts";

// Written out here on purpose: the tables must hold these codes and no others.
const SKILL_CODES: SkillUseRefusal[] = ["skill", "cooldown", "range", "sight", "target", "dead", "noTarget"];
const ITEM_CODES: ItemRefusal[] = ["unknown", "unusable", "dead", "none", "fullHealth", "cooldown"];
const PICK_UP_CODES: PickUpRefusal[] = ["gone", "dead", "far", "owned", "full"];

/** A sentence: a capital letter first, a full stop (or ! / ?) last, no placeholder left. */
function assertSentence(text: string, what: string): void {
  assert.match(text, /^[A-Z].*[.!?]$/, `${what}: "${text}" is a sentence`);
  assert.doesNotMatch(text, /undefined|null|\{|\}/, `${what}: "${text}" has nothing left unfilled`);
}

describe("refusal wording", () => {
  it("has a sentence for every code of every kind, and no stray code", () => {
    assert.deepEqual(Object.keys(SKILL_REFUSALS).sort(), [...SKILL_CODES].sort());
    assert.deepEqual(Object.keys(ITEM_REFUSALS).sort(), [...ITEM_CODES].sort());
    assert.deepEqual(Object.keys(PICK_UP_REFUSALS).sort(), [...PICK_UP_CODES].sort());
    for (const skill of Object.values(SKILLS)) {
      for (const code of SKILL_CODES) {
        assertSentence(SKILL_REFUSALS[code]({ skill: skill.name, melee: skill.id === Skill.Melee }), `skill ${skill.name} ${code}`);
      }
    }
    for (const item of Object.values(ITEMS)) {
      for (const code of ITEM_CODES) assertSentence(ITEM_REFUSALS[code]({ item: item.name }), `item ${item.name} ${code}`);
    }
    for (const owner of ["Alice", ""]) {
      for (const code of PICK_UP_CODES) assertSentence(PICK_UP_REFUSALS[code]({ owner }), `pick-up ${code} (owner "${owner}")`);
    }
  });

  it("a table without one of the codes does not compile", () => {
    const { fullHealth: _fullHealth, ...withoutOne } = ITEM_REFUSALS;
    // @ts-expect-error fullHealth has no sentence: `npm run typecheck` would fail without this line's directive
    const incomplete: typeof ITEM_REFUSALS = withoutOne;
    assert.equal(Object.hasOwn(incomplete, "fullHealth"), false);
  });

  it("tells every refusal but a skill's cooldown, naming the skill, the item or the owner", () => {
    const cases: Array<[Refusal, string]> = [
      [{ kind: "skill", skill: Skill.Melee, reason: "range" }, "Too far away: get closer."],
      [{ kind: "skill", skill: Skill.Bolt, reason: "range" }, "Out of range."],
      [{ kind: "skill", skill: Skill.Bolt, reason: "noTarget" }, "No enemy within reach of Firebolt."],
      [{ kind: "skill", skill: Skill.Bolt, reason: "sight" }, "No line of sight."],
      [{ kind: "skill", skill: Skill.Melee, reason: "dead" }, "You are dead."],
      [{ kind: "skill", skill: Skill.Melee, reason: "cooldown" }, ""],
      [{ kind: "item", item: "potion", reason: "none" }, "You have no healing potion."],
      [{ kind: "item", item: "pelt", reason: "unusable" }, "Wolf pelt cannot be used."],
      [{ kind: "item", item: "potion", reason: "fullHealth" }, "You are already at full health."],
      [{ kind: "item", item: "potion", reason: "cooldown" }, "Not so fast."],
      [{ kind: "item", item: "gold", reason: "unknown" }, "This client asked for an item the server does not know (gold)."],
      [{ kind: "pickUp", reason: "owned", owner: "Alice" }, "That belongs to Alice for now."],
      [{ kind: "pickUp", reason: "owned" }, "That belongs to someone else for now."],
      [{ kind: "pickUp", reason: "far" }, "Too far away to pick that up."],
      [{ kind: "pickUp", reason: "full" }, "Your bags are full."],
    ];
    for (const [refusal, text] of cases) assert.equal(refusalText(refusal), text, JSON.stringify(refusal));
  });

  it("says nothing for a code off the wire it does not know, even one named like an Object property", () => {
    for (const reason of ["newCode", "constructor", "toString", "__proto__"]) {
      assert.equal(refusalText({ kind: "item", item: "potion", reason } as unknown as Refusal), "");
      assert.equal(refusalText({ kind: "pickUp", reason } as unknown as Refusal), "");
      assert.equal(refusalText({ kind: "skill", skill: Skill.Bolt, reason } as unknown as Refusal), "");
    }
  });
});
