/**
 * Guest accounts are released after GUEST_RETENTION_DAYS without play (persistence/
 * guests.ts): the account and its characters are deleted, their names are free again.
 * The server here keeps guests for 1 day; the tests date accounts and characters in the
 * past by writing the database, then ask for a sweep (the server's own, or a sweeper
 * that runs at start and then every few hundred milliseconds).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import mongoose from "mongoose";
import { Account, Character } from "../src/db/models.ts";
import { GuestSweeper } from "../src/persistence/guests.ts";
import { gameServices } from "../src/world/services.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

let game: TestGame;
before(async () => {
  game = await startTestGame({ GUEST_RETENTION_DAYS: "1" });
});
after(async () => {
  await game.stop();
});

/** A guest (POST /auth/anonymous) with characters of these names. */
async function guest(...names: string[]): Promise<{ id: string; token: string; characters: string[] }> {
  const res = await api(game.baseUrl, "POST", "/auth/anonymous", { body: {} });
  assert.equal(res.status, 200);
  const characters: string[] = [];
  for (const name of names) characters.push((await createCharacter(game.baseUrl, res.body.token, name)).id);
  return { id: res.body.user.id, token: res.body.token, characters };
}

/** Dates an account (created, last signed in) and its characters (created, last played) in the past, straight in the database. */
async function age(accountId: string, account: Date, played: Date | null = account): Promise<void> {
  // Through the driver: mongoose keeps `createdAt` immutable.
  await Account.collection.updateOne({ _id: toId(accountId) }, { $set: { createdAt: account, lastLoginAt: account } });
  await Character.collection.updateMany({ accountId: toId(accountId) }, { $set: { createdAt: account, lastPlayedAt: played } });
}

function toId(id: string): mongoose.Types.ObjectId {
  return new mongoose.Types.ObjectId(id);
}

describe("guest accounts", () => {
  it("tells a guest how long its characters are kept without play", async () => {
    const res = await api(game.baseUrl, "POST", "/auth/anonymous", { body: {} });
    assert.equal(res.body.guestRetentionDays, 1);
    assert.equal(res.body.notice, "Guest characters are deleted, and their names freed, after 1 day without play. Sign up to keep yours.");
  });

  it("are deleted with their characters after GUEST_RETENTION_DAYS without play, which frees the names; others are kept", async () => {
    const forgotten = await guest("Old_Guest", "Old_Guest_Two");
    await age(forgotten.id, daysAgo(3));
    const neverPlayed = await guest("Never_Played");
    await age(neverPlayed.id, daysAgo(2), null);
    const empty = await guest();
    await age(empty.id, daysAgo(2));
    const playedLately = await guest("Recent_Guest");
    await age(playedLately.id, daysAgo(5), daysAgo(0.5)); // an old guest who played half a day ago
    const newcomer = await guest("New_Guest"); // created now, never played yet
    const registered = await signUp(game.baseUrl);
    await createCharacter(game.baseUrl, registered.token, "Old_Member");
    await age(registered.id, daysAgo(30));

    const services = gameServices();
    assert.equal(services.guests?.retentionDays, 1, "the server sweeps with GUEST_RETENTION_DAYS");
    const released = await services.guests!.runNow();
    assert.deepEqual(released, { accounts: 3, characters: 3 });

    for (const gone of [forgotten, neverPlayed, empty]) {
      assert.equal(await Account.exists({ _id: gone.id }), null, "the stale guest account is gone");
      assert.equal(await Character.countDocuments({ accountId: gone.id }), 0, "with its characters");
    }
    for (const kept of [playedLately, newcomer]) {
      assert.ok(await Account.exists({ _id: kept.id }));
      assert.equal(await Character.countDocuments({ accountId: kept.id }), 1);
    }
    assert.ok(await Account.exists({ _id: registered.id }), "registered accounts are never released");
    assert.equal(await Character.countDocuments({ accountId: registered.id }), 1);

    // The old guest's sign-in is over, and its names are free.
    const stale = await api(game.baseUrl, "GET", "/api/characters", { token: forgotten.token });
    assert.deepEqual([stale.status, stale.body.error], [401, "account_not_found"]);
    const someoneElse = await signUp(game.baseUrl);
    for (const name of ["Old_Guest", "never_played"]) {
      const res = await api(game.baseUrl, "POST", "/api/characters", { token: someoneElse.token, body: { name } });
      assert.equal(res.status, 201, `${name} is free again: ${JSON.stringify(res.body)}`);
    }
  });

  it("are swept when the sweeper starts and then periodically, never while one of their characters is in the world", async () => {
    const live = new Set<string>();
    const sweeper = new GuestSweeper(1, { intervalMs: 200, isLive: async (characterId) => live.has(characterId) });
    const atStart = await guest("Swept_At_Start");
    await age(atStart.id, daysAgo(2));
    const playing = await guest("Still_Playing");
    await age(playing.id, daysAgo(2));
    live.add(playing.characters[0]);
    sweeper.start();
    try {
      await waitFor(async () => !(await Account.exists({ _id: atStart.id })), "the sweep at start");
      const later = await guest("Swept_Later");
      await age(later.id, daysAgo(2));
      await waitFor(async () => !(await Account.exists({ _id: later.id })), "a periodic sweep");
      assert.ok(await Account.exists({ _id: playing.id }), "a guest whose character is in the world is kept");
      live.clear();
      await waitFor(async () => !(await Account.exists({ _id: playing.id })), "swept once it left the world");
    } finally {
      sweeper.stop();
    }
  });
});
