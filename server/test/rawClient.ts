/**
 * Players for hostile tests: real @colyseus/sdk clients in a zone of a server process,
 * whose socket the test can also write raw bytes to, with their close code and the
 * state patches they receive (stamped with the server's clock, so a patch rate is
 * measured on the server's time, not on a busy test process's).
 */
import { Client, type Room } from "@colyseus/sdk";
import { ServerMessage } from "@oatnut/shared";
import { api, createCharacter, signUp } from "./helpers.ts";

export interface Character {
  id: string;
  name: string;
  token: string;
}

export interface Player {
  room: Room<any, any>;
  /** Resolves with the WebSocket close code when the connection ends. */
  closed: Promise<number>;
  /** The server clock (ms since the room started) of every state patch received, in order. */
  patchTimes: number[];
  notices: string[];
  /** Sends raw bytes on the player's socket, as a hostile client would. */
  sendRaw(bytes: Uint8Array | number[]): void;
  isOpen(): boolean;
}

let created = 0;

/** Creates `count` characters, each on its own account. */
export async function createCharacters(url: string, count: number, prefix: string): Promise<Character[]> {
  const characters: Character[] = [];
  for (let i = 0; i < count; i++) {
    const { token } = await signUp(url);
    const name = `${prefix}${++created}`.slice(0, 16);
    const character = await createCharacter(url, token, name);
    characters.push({ id: character.id, name, token });
  }
  return characters;
}

/** Enters the world with a character (POST play, then the seat reservation), reconnection off. */
export async function enter(url: string, character: Character): Promise<Player> {
  const res = await api(url, "POST", `/api/characters/${character.id}/play`, { token: character.token });
  if (res.status !== 200) throw new Error(`play ${character.name}: ${res.status} ${JSON.stringify(res.body)}`);
  const room = await new Client(url).consumeSeatReservation<any>(res.body);
  room.reconnection.enabled = false;
  const notices: string[] = [];
  for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});
  room.onMessage(ServerMessage.Notice, (message: { text: string }) => notices.push(message.text));
  const closed = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
  const patchTimes: number[] = [];
  const socket = (room.connection.transport as unknown as { ws: WebSocket }).ws;
  socket.addEventListener("message", (event: MessageEvent) => {
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    // ROOM_STATE_PATCH with the TIMED modifier: [15 | 0x80][uint32 server time LE][uint32 input ack]…
    if (bytes[0] === (15 | 0x80) && bytes.length >= 5) {
      patchTimes.push(new DataView(bytes.buffer, bytes.byteOffset).getUint32(1, true));
    }
  });
  return {
    room,
    closed,
    patchTimes,
    notices,
    sendRaw: (bytes) => room.connection.send(Uint8Array.from(bytes)),
    isOpen: () => room.connection.isOpen,
  };
}

/** Patches a second between two server times (ms), from a player's patch times. */
export function patchRate(times: number[], from: number, to: number): number {
  const inside = times.filter((t) => t >= from && t <= to);
  return inside.length / ((to - from) / 1000);
}
