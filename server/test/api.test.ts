import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { JWT } from "@colyseus/auth";
import mongoose from "mongoose";
import { getZoneMap, MAX_CHARACTERS_PER_ACCOUNT, MIN_PASSWORD_LENGTH, zoneCatalog } from "@oatnut/shared";
import { AUTH_ERRORS } from "../src/auth/routes.ts";
import { Account, Character } from "../src/db/models.ts";
import { CHARACTER_NOT_FOUND, MALFORMED_CHARACTER_ID, NAME_TAKEN, TOO_MANY_CHARACTERS } from "../src/http/characters.ts";
import { api, createCharacter, signUp, startTestGame, type TestGame } from "./helpers.ts";

/** What a player reads: a whole sentence (a capital first, a full stop last) that says what to do. */
function assertSentence(text: unknown, what: string): void {
  assert.equal(typeof text, "string", what);
  assert.match(text as string, /^[A-Z\p{Lu}].{8,}[.]$/u, `${what}: ${JSON.stringify(text)} is a complete sentence`);
}

let game: TestGame;
let url: string;
before(async () => {
  game = await startTestGame();
  url = game.baseUrl;
});
after(async () => {
  await game.stop();
});

describe("accounts", () => {
  it("registers with email and password, stores a scrypt hash, and signs in later", async () => {
    const email = "Alice.Register@Example.com";
    const reg = await api(url, "POST", "/auth/register", { body: { email, password: "hunter2hunter2" } });
    assert.equal(reg.status, 200);
    assert.equal(typeof reg.body.token, "string");
    assert.equal(reg.body.user.password, undefined, "the hash never leaves the server");

    const stored = await Account.findOne({ emailKey: email.toLowerCase() }).select("+password").lean();
    assert.ok(stored);
    assert.equal(stored.email, email);
    assert.match(stored.password!, /^scrypt\$/);
    assert.ok(!stored.password!.includes("hunter2hunter2"));
    assert.ok(stored.createdAt instanceof Date);

    // Sign in with another capitalization of the same email.
    const login = await api(url, "POST", "/auth/login", { body: { email: email.toUpperCase(), password: "hunter2hunter2" } });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.id, reg.body.user.id);
    const after = await Account.findById(reg.body.user.id).lean();
    assert.ok(after?.lastLoginAt instanceof Date);
  });

  it("refuses a wrong password and a second account for the same email (any case)", async () => {
    await signUp(url, "bob.case@example.com");
    const wrong = await api(url, "POST", "/auth/login", { body: { email: "bob.case@example.com", password: "not-the-password" } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, {
      error: "That email and password do not match an account. Check them and try again.",
      code: "invalid_credentials",
    });
    const dup = await api(url, "POST", "/auth/register", { body: { email: "BOB.CASE@example.com", password: "whatever123" } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, {
      error: "An account with this email already exists. Sign in instead, or use another email.",
      code: "email_already_in_use",
    });
    assert.equal(await Account.countDocuments({ emailKey: "bob.case@example.com" }), 1);
  });

  it("rejects malformed sign-up input with a sentence that says what to do", async () => {
    const badEmail = await api(url, "POST", "/auth/register", { body: { email: "not-an-email", password: "long enough" } });
    assert.equal(badEmail.status, 400);
    assert.equal(badEmail.body.error, "That email address does not look right. Check it and try again.");
    const shortPassword = await api(url, "POST", "/auth/register", { body: { email: "short@example.com", password: "123" } });
    assert.equal(shortPassword.status, 400);
    assert.equal(MIN_PASSWORD_LENGTH, 6);
    assert.equal(shortPassword.body.error, "That password is too short: use at least 6 characters.");
    assert.equal(await Account.countDocuments({ emailKey: "short@example.com" }), 0);
    const missing = await api(url, "POST", "/auth/register", { body: { email: "short@example.com" } });
    assert.deepEqual([missing.status, missing.body], [400, { error: "Enter an email address and a password." }]);
    for (const text of Object.values(AUTH_ERRORS)) assertSentence(text, "an auth refusal");
  });

  it("plays as a guest: an anonymous account that can own characters", async () => {
    const guest = await api(url, "POST", "/auth/anonymous", { body: {} });
    assert.equal(guest.status, 200);
    assert.equal(guest.body.user.anonymous, true);
    // It is told how long its characters are kept without play (GUEST_RETENTION_DAYS, 7 by default).
    assert.equal(guest.body.guestRetentionDays, 7);
    assert.equal(
      guest.body.notice,
      "Guest characters are deleted, and their names freed, after 7 days without play. Sign up to keep yours.",
    );
    const created = await createCharacter(url, guest.body.token, "GuestHero");
    assert.equal(created.name, "GuestHero");
    const account = await Account.findById(guest.body.user.id).lean();
    assert.equal(account?.anonymous, true);
  });
});

describe("sign-up's writes", () => {
  it("creates the account with its sign-in time: one write a sign-up, guest or email, and a sign-in updates it", async () => {
    const writes: string[] = [];
    mongoose.set("debug", (collection: string, method: string) => {
      if (collection === "accounts" && !/^(find|count|aggregate|distinct)/i.test(method)) writes.push(method);
    });
    try {
      const guest = await api(url, "POST", "/auth/anonymous", { body: {} });
      assert.equal(guest.status, 200);
      assert.deepEqual(writes.splice(0), ["insertOne"], "a guest's sign-up writes its account once");
      const guestAccount = await Account.findById(guest.body.user.id).lean();
      assert.ok(guestAccount?.lastLoginAt instanceof Date, "the guest's sign-in time is stored (the guest sweeper reads it)");

      const { email, id } = await signUp(url);
      assert.deepEqual(writes.splice(0), ["insertOne"], "an email sign-up writes its account once");
      const registered = await Account.findById(id).lean();
      assert.ok(registered?.lastLoginAt instanceof Date);

      const login = await api(url, "POST", "/auth/login", { body: { email, password: "correct horse battery" } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      assert.deepEqual(writes.splice(0), ["updateOne"], "a sign-in stores its time");
      const after = await Account.findById(id).lean();
      assert.ok(after!.lastLoginAt!.getTime() >= registered!.lastLoginAt!.getTime());
    } finally {
      mongoose.set("debug", false);
    }
  });
});

describe("a saved sign-in whose account is gone", () => {
  it("gets 401 account_not_found on /auth/userdata and the API; sign-in keeps one answer for unknown and wrong", async () => {
    const { token, email, id } = await signUp(url);
    const {
      body: { id: characterId },
    } = await api(url, "POST", "/api/characters", { token, body: { name: "Gone_Hero" } });
    assert.equal((await api(url, "GET", "/auth/userdata", { token })).status, 200);

    // The account disappears (deleted, or lost with the database); the token still verifies.
    await Account.deleteOne({ _id: id });
    for (const [method, route] of [
      ["GET", "/auth/userdata"],
      ["GET", "/api/characters"],
      ["POST", `/api/characters/${characterId}/play`],
    ]) {
      const res = await api(url, method, route, { token });
      assert.equal(res.status, 401, `${method} ${route}`);
      assert.deepEqual(res.body, { error: "account_not_found" }, `${method} ${route}`);
    }

    // Only a valid token proves an account was held: the sign-in form still cannot tell
    // an email without an account from a wrong password.
    const gone = await api(url, "POST", "/auth/login", { body: { email, password: "correct horse battery" } });
    const wrong = await api(url, "POST", "/auth/login", { body: { email: (await signUp(url)).email, password: "not the password" } });
    const invalid = { error: AUTH_ERRORS.invalidCredentials, code: "invalid_credentials" };
    assert.deepEqual([gone.status, gone.body], [401, invalid]);
    assert.deepEqual([wrong.status, wrong.body], [401, invalid]);

    // Nor do tokens that prove nothing: expired, or with an id that is no account id.
    const expired = (await JWT.sign({ id, anonymous: false, roles: [] }, { expiresIn: -10 })) as string;
    const malformed = (await JWT.sign({ id: "not-an-object-id", anonymous: false, roles: [] })) as string;
    for (const bad of [expired, malformed]) {
      const res = await api(url, "GET", "/auth/userdata", { token: bad });
      assert.equal(res.status, 401);
      assert.notEqual(res.body.error, "account_not_found");
      assertSentence(res.body.error, "a token that proves nothing");
    }
  });
});

describe("characters API", () => {
  it("needs a valid token: 401 with a JSON error otherwise", async () => {
    const none = await api(url, "GET", "/api/characters");
    assert.equal(none.status, 401);
    assert.equal(typeof none.body.error, "string");
    const forged = await api(url, "GET", "/api/characters", { token: "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IngifQ.bad" });
    assert.equal(forged.status, 401);
  });

  it("creates, lists and deletes the caller's characters", async () => {
    const { token } = await signUp(url);
    const STARTING_ZONE = zoneCatalog().startingZone;
    const spawn = getZoneMap(STARTING_ZONE).spawn;
    const created = await api(url, "POST", "/api/characters", { token, body: { name: "Listed_1" } });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { name: created.body.name, zone: created.body.zone, x: created.body.x, y: created.body.y, level: created.body.level },
      { name: "Listed_1", zone: STARTING_ZONE, x: spawn.x, y: spawn.y, level: 1 },
    );
    const list = await api(url, "GET", "/api/characters", { token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((c: { name: string }) => c.name),
      ["Listed_1"],
    );
    assert.equal(list.body[0].id, created.body.id);

    const removed = await api(url, "DELETE", `/api/characters/${created.body.id}`, { token });
    assert.equal(removed.status, 204);
    const empty = await api(url, "GET", "/api/characters", { token });
    assert.deepEqual(empty.body, []);
  });

  it("validates names: 3-16 letters, digits or underscore → 400 with a sentence that says what to do", async () => {
    const { token } = await signUp(url);
    for (const name of ["ab", "a".repeat(17), "has space", "semi;colon", "", 42, null, "Ivаn", "ᚠᚢᚦᚨ", "Ａｌｉｃｅ"]) {
      const res = await api(url, "POST", "/api/characters", { token, body: { name } });
      assert.equal(res.status, 400, `name ${JSON.stringify(name)}`);
      assert.match(res.body.error, /name/i);
      assertSentence(res.body.error, `the refusal of ${JSON.stringify(name)}`);
    }
    const tooShort = await api(url, "POST", "/api/characters", { token, body: { name: "ab" } });
    assert.equal(tooShort.body.error, "That name is too short: use 3 to 16 letters, digits or underscores.");
    const mixed = await api(url, "POST", "/api/characters", { token, body: { name: "Ivаn" } }); // a Cyrillic "а"
    assert.equal(
      mixed.body.error,
      "A name must be written in one script, and this one mixes Latin and Cyrillic letters: use letters of one of them only.",
    );
    const missing = await api(url, "POST", "/api/characters", { token, body: {} });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, "Choose a name for your character: 3 to 16 letters, digits or underscores.");
    const notJson = await api(url, "POST", "/api/characters", { token, rawBody: "{name:" });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error, "The request body is not valid JSON. Send it as JSON.");
    const list = await api(url, "GET", "/api/characters", { token });
    assert.deepEqual(list.body, []);
  });

  it("refuses a taken name, case-insensitively, across accounts → 409", async () => {
    const first = await signUp(url);
    const second = await signUp(url);
    await createCharacter(url, first.token, "Unique_Name");
    const res = await api(url, "POST", "/api/characters", { token: second.token, body: { name: "unique_NAME" } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error, "That name is taken. Choose another one.");
    assert.equal(NAME_TAKEN, res.body.error);
  });

  it("accepts letters of any language, one script per name, kept NFC-normalized and unique whatever their case or form", async () => {
    const first = await signUp(url);
    const second = await signUp(url);
    // "Zoë" typed with a combining diaeresis is kept precomposed (NFC).
    const zoe = await api(url, "POST", "/api/characters", { token: first.token, body: { name: "Zoe\u0308" } });
    assert.equal(zoe.status, 201, JSON.stringify(zoe.body));
    assert.equal(zoe.body.name, "Zo\u00eb");
    const saved = await Character.findById(zoe.body.id).lean();
    assert.deepEqual({ name: saved?.name, nameKey: saved?.nameKey }, { name: "Zo\u00eb", nameKey: "zo\u00eb" });
    for (const name of ["Иван", "Ο_Δυσσέας", "山田たろう", "Straße"]) {
      const res = await api(url, "POST", "/api/characters", { token: first.token, body: { name } });
      assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.name, name);
    }
    // The same names in another case, or in another Unicode form, are taken.
    for (const name of ["ZOË", "zoe\u0308", "иВАН", "ο_δυσσέασ", "STRASSE"]) {
      const res = await api(url, "POST", "/api/characters", { token: second.token, body: { name } });
      assert.deepEqual([res.status, res.body.error], [409, NAME_TAKEN], name);
    }
  });

  it(`allows at most ${MAX_CHARACTERS_PER_ACCOUNT} characters per account → 409`, async () => {
    const { token } = await signUp(url);
    for (let i = 0; i < MAX_CHARACTERS_PER_ACCOUNT; i++) await createCharacter(url, token, `Many_${i}`);
    const res = await api(url, "POST", "/api/characters", { token, body: { name: "One_Too_Many" } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error, "You already have 5 characters, the most an account may have. Delete one to create another.");
    assert.equal(res.body.error, TOO_MANY_CHARACTERS);
    const list = await api(url, "GET", "/api/characters", { token });
    assert.equal(list.body.length, MAX_CHARACTERS_PER_ACCOUNT);
  });

  it("never touches someone else's character: delete and play → 404", async () => {
    const owner = await signUp(url);
    const other = await signUp(url);
    const character = await createCharacter(url, owner.token, "Not_Yours");
    const del = await api(url, "DELETE", `/api/characters/${character.id}`, { token: other.token });
    assert.deepEqual([del.status, del.body.error], [404, CHARACTER_NOT_FOUND]);
    const play = await api(url, "POST", `/api/characters/${character.id}/play`, { token: other.token });
    assert.deepEqual([play.status, play.body.error], [404, CHARACTER_NOT_FOUND]);
    const malformed = await api(url, "POST", "/api/characters/not-an-id/play", { token: other.token });
    assert.equal(malformed.status, 400, "a malformed id is a bad request, never a lookup");
    assert.equal(malformed.body.error, MALFORMED_CHARACTER_ID);
    for (const text of [CHARACTER_NOT_FOUND, MALFORMED_CHARACTER_ID]) assertSentence(text, "a characters API refusal");
    const list = await api(url, "GET", "/api/characters", { token: owner.token });
    assert.equal(list.body.length, 1);
  });

  it("play answers with a seat reservation for the character's saved zone", async () => {
    const { token } = await signUp(url);
    const character = await createCharacter(url, token, "Player_One");
    const res = await api(url, "POST", `/api/characters/${character.id}/play`, { token });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, "zone");
    assert.equal(typeof res.body.sessionId, "string");
    assert.equal(typeof res.body.roomId, "string");
    const room = game.colyseus.getRoomById(res.body.roomId) as unknown as { state: { zone: string } };
    assert.equal(room.state.zone, zoneCatalog().startingZone);
  });

  it("answers unknown API routes with 404 JSON", async () => {
    const { token } = await signUp(url);
    const res = await api(url, "GET", "/api/does-not-exist", { token });
    assert.equal(res.status, 404);
    assert.equal(res.body.error, "There is no API route GET /api/does-not-exist. Check the address.");
  });
});

describe("health", () => {
  it("answers /health 200 while the process is up, and /ready 200 with the database engine once ready", async () => {
    const health = await api(url, "GET", "/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "ok");
    const ready = await api(url, "GET", "/ready");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, "ready");
    assert.equal(ready.body.database.reachable, true);
    assert.equal(ready.body.database.engine, game.engine.kind);
  });
});
