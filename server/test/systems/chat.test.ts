/**
 * Chat system on a stub zone: zone lines broadcast as plain text, the boundary's checks,
 * the rate limit (CHAT_BURST lines per CHAT_WINDOW_SECONDS of the zone clock) and its
 * notice, whispers (the addressee looked up through an injected lookup, as the database and
 * the live registry answer it end to end in server/test/chat.test.ts), and the whisper
 * inbox on presence.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CHAT_BURST, CHAT_MAX_LENGTH, CHAT_WINDOW_SECONDS, ClientMessage, ServerMessage, type ChatLine } from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { ChatSystem, whisperChannel } from "../../src/rooms/systems/chat.ts";
import { stubZone, TICK_MS, type StubZone } from "./stubZone.ts";

const ROOM = ["#####", "#S..#", "#####"];
const TOO_FAST = `You are chatting too fast: at most ${CHAT_BURST} lines every ${CHAT_WINDOW_SECONDS} seconds. Wait a moment, then send it again.`;

/** Who is online for whispers, by lower-cased name (a failing lookup: throws). */
function setup(online: Record<string, string> | "failing" = {}) {
  const zone = stubZone({ rows: ROOM });
  const lookups: string[] = [];
  const findOnline = async (name: string) => {
    lookups.push(name);
    if (online === "failing") throw new Error("the database is not answering");
    const found = online[name.toLowerCase()];
    return found ? { id: `id-${found}`, name: found } : undefined;
  };
  const chat = zone.use(new ChatSystem(zone, findOnline));
  return { zone, chat, lookups };
}

/** Waits until the promises the handlers started have settled (a lookup, a publish). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const say = (zone: StubZone, session: PlayerSession, text: unknown) => zone.receive(session, ClientMessage.Chat, { text });
const lines = (zone: StubZone) => zone.broadcasts.map((broadcast) => broadcast.message as ChatLine);

describe("chat system", () => {
  it("broadcasts a zone line to the whole zone, trimmed, as text", () => {
    const { zone } = setup();
    const ann = zone.join({ name: "Ann" });
    assert.equal(say(zone, ann, "  hello <b>Ben</b>\u0007 "), undefined);
    assert.deepEqual(zone.broadcasts, [{ type: ServerMessage.Chat, message: { channel: "zone", from: "Ann", text: "hello <b>Ben</b>" } }]);
  });

  it("refuses empty, overlong and non-text lines at the boundary", () => {
    const { zone } = setup();
    const ann = zone.join({ name: "Ann" });
    assert.equal(say(zone, ann, "   "), "text is empty");
    assert.equal(say(zone, ann, "x".repeat(CHAT_MAX_LENGTH + 1)), `text is longer than ${CHAT_MAX_LENGTH} characters`);
    assert.equal(say(zone, ann, 42), "text must be a string");
    assert.deepEqual(zone.broadcasts, []);
  });

  it(`lets CHAT_BURST lines through per CHAT_WINDOW_SECONDS of the zone clock, and tells the player when it bites`, () => {
    const { zone } = setup();
    const ann = zone.join({ name: "Ann" });
    for (let i = 0; i < CHAT_BURST; i++) say(zone, ann, `line ${i}`);
    say(zone, ann, "one too many");
    assert.deepEqual(
      lines(zone).map((line) => line.text),
      Array.from({ length: CHAT_BURST }, (_, i) => `line ${i}`),
    );
    assert.deepEqual(zone.noticesOf(ann), [TOO_FAST]);

    zone.tick((CHAT_WINDOW_SECONDS * 1000) / TICK_MS - 1);
    say(zone, ann, "still too soon");
    assert.equal(lines(zone).length, CHAT_BURST);
    assert.deepEqual(zone.noticesOf(ann), [TOO_FAST, TOO_FAST]);

    zone.tick();
    say(zone, ann, "the window has passed");
    assert.equal(lines(zone).at(-1)?.text, "the window has passed", "refused lines did not extend the window");
  });

  it("slides the window: a line frees its place CHAT_WINDOW_SECONDS after it was said", () => {
    const { zone } = setup();
    const ann = zone.join({ name: "Ann" });
    say(zone, ann, "early");
    zone.tick(20); // one second later
    for (let i = 1; i < CHAT_BURST; i++) say(zone, ann, `line ${i}`);
    zone.tick((CHAT_WINDOW_SECONDS * 1000) / TICK_MS - 20); // the first line's window is over, not the others'
    say(zone, ann, "frees one place");
    say(zone, ann, "but only one");
    assert.deepEqual(
      lines(zone)
        .slice(-1)
        .map((line) => line.text),
      ["frees one place"],
    );
    assert.equal(lines(zone).length, CHAT_BURST + 1);
    assert.deepEqual(zone.noticesOf(ann), [TOO_FAST]);
  });

  it("limits each player on its own", () => {
    const { zone } = setup();
    const ann = zone.join({ name: "Ann" });
    const ben = zone.join({ name: "Ben" });
    for (let i = 0; i <= CHAT_BURST; i++) say(zone, ann, `ann ${i}`);
    say(zone, ben, "hi");
    assert.deepEqual(lines(zone).at(-1), { channel: "zone", from: "Ben", text: "hi" });
    assert.deepEqual(zone.noticesOf(ben), []);
  });

  it("counts whispers in the same limit, refusing them before any lookup", () => {
    const { zone, lookups } = setup();
    const ann = zone.join({ name: "Ann" });
    for (let i = 0; i < CHAT_BURST; i++) say(zone, ann, `line ${i}`);
    assert.equal(zone.receive(ann, ClientMessage.Whisper, { to: "Ben", text: "psst" }), undefined);
    assert.deepEqual(zone.noticesOf(ann), [TOO_FAST]);
    assert.deepEqual(zone.sent, []);
    assert.deepEqual(lookups, [], "no lookup for a refused whisper");
    assert.equal(zone.receive(ann, ClientMessage.Whisper, { to: "no", text: "psst" }), "to must be a character name");
  });

  it("whispers to an online character by name, in any case: published on its channel, the sender gets its copy", async () => {
    const { zone } = setup({ ben: "Ben" });
    const ann = zone.join({ name: "Ann" });
    const heard: ChatLine[] = [];
    await zone.presence.subscribe(whisperChannel("Ben"), (line: ChatLine) => heard.push(line));
    zone.receive(ann, ClientMessage.Whisper, { to: "bEN", text: "psst" });
    await settle();
    const line: ChatLine = { channel: "whisper", from: "Ann", to: "Ben", text: "psst" };
    assert.deepEqual(heard, [line]);
    assert.deepEqual(zone.sent, [{ sessionId: ann.sessionId, type: ServerMessage.Chat, message: line }]);
  });

  it("tells the sender when the addressee is not online, and when it cannot be looked up", async () => {
    const offline = setup({});
    const ann = offline.zone.join({ name: "Ann" });
    offline.zone.receive(ann, ClientMessage.Whisper, { to: "Nobody", text: "hello?" });
    await settle();
    assert.deepEqual(offline.zone.noticesOf(ann), ["Nobody is not online. Check the name, or whisper again later."]);
    const failing = setup("failing");
    const bo = failing.zone.join({ name: "Bo" });
    failing.zone.receive(bo, ClientMessage.Whisper, { to: "Ben", text: "hello?" });
    await settle();
    assert.deepEqual(failing.zone.noticesOf(bo), ["Your whisper could not be delivered right now. Try again in a moment."]);
    assert.deepEqual(failing.zone.sent, []);
  });

  it("delivers whispers published to a player's name while it is in the zone, and no longer once it left", async () => {
    const { zone } = setup();
    const ben = zone.join({ name: "Ben" });
    const line: ChatLine = { channel: "whisper", from: "Ann", to: "Ben", text: "psst" };
    await zone.presence.publish(whisperChannel("BEN"), line);
    assert.deepEqual(zone.sent, [{ sessionId: ben.sessionId, type: ServerMessage.Chat, message: line }]);
    zone.leave(ben);
    await zone.presence.publish(whisperChannel("Ben"), line);
    assert.equal(zone.sent.length, 1);
  });
});
