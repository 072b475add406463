/**
 * The character name rule (shared/src/protocol.ts), the one the server applies and the
 * client may check before asking: letters of any language in one script, digits 0–9 and
 * underscores, 3 to 16 characters once NFC-normalized; unique by a case-folded key.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { characterNameKey, normalizeCharacterName, validateCharacterName } from "@oatnut/shared";

describe("character names", () => {
  it("accepts letters of any language, digits and underscores, 3 to 16 of them", () => {
    for (const name of [
      "Alice_01",
      "abc",
      "123",
      "___",
      "Zoë",
      "Zoe\u0308",
      "Иван",
      "Ο_Δυσσέας",
      "山田たろう",
      "李小龙",
      "김민준",
      "नमस्ते",
      "Ærøskøbing",
      "a".repeat(16),
    ]) {
      assert.equal(validateCharacterName(name), null, name);
    }
  });

  it("refuses look-alikes: one script per name (Japanese, Chinese and Korean mix Han with their own)", () => {
    assert.equal(
      validateCharacterName("Ivаn"), // a Cyrillic "а"
      "A name must be written in one script, and this one mixes Latin and Cyrillic letters: use letters of one of them only.",
    );
    assert.notEqual(validateCharacterName("Иваn"), null);
    assert.notEqual(validateCharacterName("Αlice"), null, "a Greek capital alpha");
    assert.notEqual(validateCharacterName("山田John"), null);
    assert.notEqual(validateCharacterName("Ａｌｉｃｅ"), null, "full-width letters are refused…");
    assert.equal(characterNameKey("Ａｌｉｃｅ"), characterNameKey("Alice"), "…and would be the same name anyway");
  });

  it("says what is wrong, in a sentence that says what to do", () => {
    const cases: Array<[unknown, string]> = [
      [undefined, "Choose a name for your character: 3 to 16 letters, digits or underscores."],
      ["   ", "Choose a name for your character: 3 to 16 letters, digits or underscores."],
      ["ab", "That name is too short: use 3 to 16 letters, digits or underscores."],
      ["Zö", "That name is too short: use 3 to 16 letters, digits or underscores."],
      ["a".repeat(17), "That name is too long: use 3 to 16 letters, digits or underscores."],
      ["has space", "A name may hold only letters, digits (0–9) and underscores: remove spaces, punctuation and other signs."],
      ["Ab😀c", "A name may hold only letters, digits (0–9) and underscores: remove spaces, punctuation and other signs."],
      ["\u0308abc", "A name cannot begin with an accent on its own: begin it with a letter, a digit or an underscore."],
      ["ᚠᚢᚦᚨ", 'The letter "ᚠ" cannot be used in names: use the letters of a common alphabet.'],
    ];
    for (const [name, message] of cases) assert.equal(validateCharacterName(name), message, JSON.stringify(name));
  });

  it("keeps names NFC-normalized and makes them unique whatever their case or form", () => {
    assert.equal(normalizeCharacterName("Zoe\u0308"), "Zo\u00eb");
    assert.equal(characterNameKey("Alice_01"), "alice_01", "an ASCII name's key is its lower-cased self, as before");
    for (const [a, b] of [
      ["Zoë", "ZOË"],
      ["Zoë", "zoe\u0308"],
      ["Иван", "иВАН"],
      ["Straße", "STRASSE"],
      ["Ο_Δυσσέας", "ο_δυσσέασ"],
    ]) {
      assert.equal(characterNameKey(normalizeCharacterName(a)), characterNameKey(normalizeCharacterName(b)), `${a} ~ ${b}`);
    }
    assert.notEqual(characterNameKey("Ivan"), characterNameKey("Иван"), "different letters, different names");
  });
});
