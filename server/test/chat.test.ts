/**
 * Chat: zone chat both ways, whispers across zones by name, limits at the boundary.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { CHAT_BURST, CHAT_MAX_LENGTH, ClientMessage, ServerMessage, type ChatLine } from "@oatnut/shared";
import { Character } from "../src/db/models.ts";
import { api, createCharacter, metricValue, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";
import { tileCentre } from "./zoneFixtures.ts";

let game: TestGame;
const openRooms: ClientRoom[] = [];
before(async () => {
  game = await startTestGame();
});
afterEach(async () => {
  await Promise.all(openRooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
});
after(async () => {
  await game.stop();
});

interface Player {
  room: ClientRoom<any, any>;
  name: string;
  lines: ChatLine[];
  notices: string[];
}

async function enter(name: string, zone = "plaza", at: [number, number] = [5, 5]): Promise<Player> {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, name);
  await Character.updateOne({ _id: character.id }, { $set: { zone, ...tileCentre(...at) } });
  const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
  const room = await game.colyseus.sdk.consumeSeatReservation<any>(res.body);
  openRooms.push(room);
  const player: Player = { room, name, lines: [], notices: [] };
  room.onMessage(ServerMessage.Chat, (line: ChatLine) => player.lines.push(line));
  room.onMessage(ServerMessage.Notice, (m: { text: string }) => player.notices.push(m.text));
  await waitFor(() => room.state.players?.get(room.sessionId), "in the zone");
  return player;
}

describe("chat", () => {
  it("zone chat reaches everyone in the zone, both ways, as plain text", async () => {
    const ann = await enter("Chat_Ann");
    const ben = await enter("Chat_Ben", "plaza", [15, 8]);
    ann.room.send(ClientMessage.Chat, { text: "  hello <b>Ben</b>  " });
    await waitFor(() => ben.lines.length === 1, "Ben hears Ann");
    assert.deepEqual(ben.lines[0], { channel: "zone", from: "Chat_Ann", text: "hello <b>Ben</b>" });
    assert.deepEqual(ann.lines[0], ben.lines[0], "the sender sees its own line");
    ben.room.send(ClientMessage.Chat, { text: "hi Ann" });
    await waitFor(() => ann.lines.some((l) => l.from === "Chat_Ben" && l.text === "hi Ann"), "Ann hears Ben");
  });

  it("a whisper reaches a character by name in another zone, and only it", async () => {
    const sender = await enter("Whisper_From");
    const bystander = await enter("Whisper_Near");
    const target = await enter("Whisper_To", "field", [5, 5]);
    sender.room.send(ClientMessage.Whisper, { to: "whisper_to", text: "psst" });
    await waitFor(() => target.lines.length === 1, "the whisper arrives in the field");
    assert.deepEqual(target.lines[0], { channel: "whisper", from: "Whisper_From", to: "Whisper_To", text: "psst" });
    await waitFor(() => sender.lines.length === 1, "the sender's copy");
    assert.equal(sender.lines[0].to, "Whisper_To");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(bystander.lines, [], "nobody else hears it");

    sender.room.send(ClientMessage.Whisper, { to: "Nobody_Here", text: "hello?" });
    await waitFor(
      () => sender.notices.some((n) => n === "Nobody_Here is not online. Check the name, or whisper again later."),
      "told the addressee is offline",
    );
  });

  it("refuses lines that are empty, too long or not text, and limits the rate", async () => {
    const talker = await enter("Chat_Limits");
    const listener = await enter("Chat_Listener");
    const rejected = () => metricValue("oatnut_messages_rejected_total", { type: "chat", reason: "invalid" });
    const before = await rejected();
    for (const text of ["x".repeat(CHAT_MAX_LENGTH + 1), "", "   ", 42]) talker.room.send(ClientMessage.Chat, { text });
    await waitFor(async () => (await rejected()) === before + 4, "four refusals counted");
    assert.deepEqual(listener.lines, []);

    for (let i = 0; i < CHAT_BURST + 3; i++) talker.room.send(ClientMessage.Chat, { text: `line ${i}` });
    await waitFor(() => talker.notices.some((n) => /chatting too fast/.test(n)), "rate limit notice");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(listener.lines.length, CHAT_BURST, `only ${CHAT_BURST} lines get through`);
    // The four bad lines were told once (the first), not four times: a notice per window.
    const refusals = talker.notices.filter((n) => /Message "chat" was refused/.test(n));
    assert.deepEqual(refusals, [
      `Message "chat" was refused: text is longer than ${CHAT_MAX_LENGTH} characters. Reload the page if this keeps happening.`,
    ]);
  });
});
