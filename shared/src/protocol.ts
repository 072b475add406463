/**
 * The wire protocol between client and server: input definitions with their limits,
 * message names, close codes and the validation rules both sides apply.
 */
import { schema, t } from "@colyseus/schema";
import type { ItemRefusal, PickUpRefusal } from "./actions.ts";
import { TICK_RATE } from "./constants.ts";

/**
 * One step of player intent, sent by the client once per fixed step while it plays.
 * `dx` and `dy` are the held direction on each axis (-1, 0 or 1); the server clamps
 * anything else into that range, so a client can never ask for more than full speed.
 * `skill` (0 = none, else a `Skill` id) asks to use a skill on the entity `target` (an
 * `eid`) this step; the server checks cooldown and range against where the target was on
 * this client's screen (lag compensation), and ignores what it cannot allow.
 * The client sets `skill` for exactly one input per use, then back to 0.
 */
export const MoveInput = schema(
  {
    dx: t.int8(),
    dy: t.int8(),
    skill: t.uint8(),
    target: t.uint32(),
  },
  "MoveInput",
);
export type MoveInput = InstanceType<typeof MoveInput>;

/** Range every `MoveInput` axis is clamped into by the server. */
export const MOVE_AXIS_RANGE = [-1, 1] as const;

/**
 * Largest WebSocket frame a client may send, in bytes (the longest legitimate one is a
 * whisper of CHAT_MAX_LENGTH characters, under 700 bytes). The transport closes the
 * connection of a client that sends more (close code 1009, "message too big").
 */
export const MAX_FRAME_BYTES = 1024;

/** Messages the server sends to a client in a zone room. */
export const ServerMessage = {
  /** A notice to show the player: `{ text: string }`. */
  Notice: "notice",
  /**
   * The character walked into a portal: `{ zone: string, reservation: SeatReservation }`.
   * The client joins the target room with the reservation, then leaves this one; if it
   * cannot, it sends `ClientMessage.TransferFailed` to this room.
   */
  Transfer: "transfer",
  /**
   * A chat line: `{ channel: "zone" | "whisper", from: string, to?: string, text: string }`.
   * Whispers reach the addressee wherever it is; the sender gets its own copy (with `to`).
   * Clients show `text` as text, never as HTML.
   */
  Chat: "chat",
  /**
   * What happened near this player during one tick, for feedback (damage numbers, attack
   * effects, deaths, level-ups): `CombatEvent[]`. State stays the truth; these are cues.
   */
  Combat: "combat",
} as const;

/** One combat cue (see `ServerMessage.Combat`). */
export type CombatEvent =
  /** `source` used `skill` on `target` for `amount` damage (refused uses are `refused` cues). */
  | { type: "hit"; source: number; target: number; skill: number; amount: number }
  /** This player's skill use was refused (only the user hears it). */
  | { type: "refused"; skill: number; reason: SkillRefusal }
  /** A monster bit a player. */
  | { type: "bite"; source: number; target: number; amount: number }
  /** An entity died (killed by `by`, an eid, when known). */
  | { type: "death"; eid: number; by?: number }
  /** A player reached `level`. */
  | { type: "levelUp"; eid: number; level: number }
  /** A player healed `amount` (a potion). */
  | { type: "heal"; eid: number; amount: number }
  /** A player came back to life. */
  | { type: "respawn"; eid: number }
  /** Something went to this player's inventory. */
  | { type: "pickup"; eid: number; item: string; count: number }
  /** This player's use of `item` was refused (only the user hears it; the client words `reason`). */
  | { type: "itemRefused"; item: string; reason: ItemRefusal }
  /** This player's pick-up of the drop `id` was refused (only the user hears it). */
  | { type: "pickUpRefused"; id: number; reason: PickUpRefusal };

/** Why the server refused a skill use. */
export type SkillRefusal = "skill" | "cooldown" | "range" | "sight" | "target" | "dead";

/** Messages a client may send to a zone room (besides its movement inputs). */
export const ClientMessage = {
  /** The client could not use a transfer's reservation: `{ reason: string }`. */
  TransferFailed: "transferFailed",
  /** Say something to everyone in the zone: `{ text: string }`. */
  Chat: "chat",
  /** Say something to one character, by name, wherever it is: `{ to: string, text: string }`. */
  Whisper: "whisper",
  /** Use one item from the inventory (e.g. drink a potion): `{ item: string }`. */
  UseItem: "useItem",
  /** Pick up a drop within reach (a click on it): `{ id: number }`. */
  PickUp: "pickUp",
} as const;

/** Longest chat line, in characters. */
export const CHAT_MAX_LENGTH = 200;
/** Chat rate limit: at most this many lines (zone and whispers together)… */
export const CHAT_BURST = 5;
/** …per this many seconds. */
export const CHAT_WINDOW_SECONDS = 5;

/** A chat line as the server relays it. */
export interface ChatLine {
  channel: "zone" | "whisper";
  from: string;
  to?: string;
  text: string;
}

/**
 * Checks and normalizes a chat text: trimmed, no control characters, 1 to CHAT_MAX_LENGTH.
 * @returns the text to send, or a message saying what is wrong
 */
export function cleanChatText(raw: unknown): { text: string } | string {
  if (typeof raw !== "string") return "text must be a string";
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  if (!text) return "text is empty";
  if (text.length > CHAT_MAX_LENGTH) return `text is longer than ${CHAT_MAX_LENGTH} characters`;
  return { text };
}

/** WebSocket close codes the server uses when it ends a session on purpose (4000–4999). */
export const CloseCode = {
  /** The same character was entered from another session, which took it over. */
  TakenOver: 4100,
  /** The server is shutting down or restarting. */
  ServerShutdown: 4101,
  /** The character went on to another zone (a transfer completed). */
  Transferred: 4102,
  /** An admin removed the character from the world. */
  Kicked: 4103,
  /** The client sent a frame the OatNut protocol does not allow (malformed, or a kind the client never sends). */
  ProtocolViolation: 4104,
  /** The client kept sending more than its rate limits allow (see CLIENT_RATE_LIMITS). */
  Flooding: 4105,
} as const;

/** A token bucket: `perSecond` on average, up to `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * How fast one client may send each kind of frame to a zone room — the one place these
 * limits are set. Frames beyond a limit are dropped at the boundary before they are
 * decoded. The OatNut client stays well inside them: one input per fixed step, chat typed
 * by a person. Game rules may be stricter and answer in words (chat: CHAT_BURST lines per
 * CHAT_WINDOW_SECONDS), so a person meets those first.
 */
export const CLIENT_RATE_LIMITS = {
  /** Movement inputs (`room.input()`): TICK_RATE a second, with room for network jitter. */
  input: { perSecond: TICK_RATE * 1.5, burst: TICK_RATE * 1.5 },
  /** Keep-alive pings. */
  ping: { perSecond: 1, burst: 5 },
  [ClientMessage.Chat]: { perSecond: 2, burst: 10 },
  [ClientMessage.Whisper]: { perSecond: 2, burst: 10 },
  [ClientMessage.UseItem]: { perSecond: 5, burst: 10 },
  [ClientMessage.PickUp]: { perSecond: 10, burst: 20 },
  [ClientMessage.TransferFailed]: { perSecond: 1, burst: 3 },
} as const satisfies Record<string, RateLimit>;

/**
 * A client whose frames are refused (over a rate limit, of an unknown type, or invalid)
 * more than FLOOD_STRIKES times within REFUSAL_WINDOW_SECONDS is disconnected with
 * CloseCode.Flooding. Refusals are logged and told to the client at most once per window.
 */
export const FLOOD_STRIKES = 60;
/** See FLOOD_STRIKES. */
export const REFUSAL_WINDOW_SECONDS = 10;

/** Shortest password an account may have (@colyseus/auth's minimum); sign-up refuses shorter ones. */
export const MIN_PASSWORD_LENGTH = 6;

/** Shortest character name, in characters (Unicode code points, once normalized). */
export const CHARACTER_NAME_MIN_LENGTH = 3;
/** Longest character name, in characters (Unicode code points, once normalized). */
export const CHARACTER_NAME_MAX_LENGTH = 16;

/**
 * The writing systems a character name may use — one per name, so that look-alike letters
 * of two alphabets (a Cyrillic "а" in a Latin "Ivan") cannot make a name that looks like
 * another player's. Each is a set of Unicode scripts used together: the scripts Unicode
 * recommends for identifiers (UAX #31, table 5), and Japanese, Chinese and Korean, which
 * mix Han with their own scripts.
 */
export const NAME_WRITING_SYSTEMS: Readonly<Record<string, readonly string[]>> = {
  Latin: ["Latin"],
  Greek: ["Greek"],
  Cyrillic: ["Cyrillic"],
  Armenian: ["Armenian"],
  Hebrew: ["Hebrew"],
  Arabic: ["Arabic"],
  Thaana: ["Thaana"],
  Devanagari: ["Devanagari"],
  Bengali: ["Bengali"],
  Gurmukhi: ["Gurmukhi"],
  Gujarati: ["Gujarati"],
  Oriya: ["Oriya"],
  Tamil: ["Tamil"],
  Telugu: ["Telugu"],
  Kannada: ["Kannada"],
  Malayalam: ["Malayalam"],
  Sinhala: ["Sinhala"],
  Thai: ["Thai"],
  Lao: ["Lao"],
  Tibetan: ["Tibetan"],
  Myanmar: ["Myanmar"],
  Georgian: ["Georgian"],
  Ethiopic: ["Ethiopic"],
  Khmer: ["Khmer"],
  Japanese: ["Han", "Hiragana", "Katakana"],
  Chinese: ["Han", "Bopomofo"],
  Korean: ["Han", "Hangul"],
};

const SCRIPT_PATTERNS = new Map(
  [...new Set(Object.values(NAME_WRITING_SYSTEMS).flat())].map((script) => [script, new RegExp(`\\p{scx=${script}}`, "u")]),
);
/** Characters every writing system shares (digits, the underscore) or takes from the letter before (accents). */
const SHARED_BY_ALL = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;

/**
 * A name as it is kept: Unicode NFC, so "Zoë" typed as "Zoe" plus a combining diaeresis
 * is the same name as "Zoë" typed with the precomposed letter.
 */
export function normalizeCharacterName(name: string): string {
  return name.normalize("NFC");
}

/**
 * The key names are unique by (the database's unique `nameKey`): compatibility forms
 * folded into plain ones (NFKC: a full-width "Ａ" is an "A"), then case-folded (upper-
 * then lower-cased, so "ß" and "SS", "Σ" and "σ", "Zoë" and "ZOË" meet). For ASCII names it
 * is the lower-cased name.
 */
export function characterNameKey(name: string): string {
  return name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");
}

/**
 * Checks a character name against the naming rule: 3 to 16 letters of one writing system
 * (any language's: see NAME_WRITING_SYSTEMS), digits 0–9 and underscores, compared once
 * NFC-normalized. Server and client apply this one rule.
 * @returns `null` when valid, otherwise a sentence fit to show the player, saying what to do
 */
export function validateCharacterName(name: unknown): string | null {
  const lengths = `${CHARACTER_NAME_MIN_LENGTH} to ${CHARACTER_NAME_MAX_LENGTH} letters, digits or underscores`;
  if (typeof name !== "string" || name.trim() === "") return `Choose a name for your character: ${lengths}.`;
  const normal = normalizeCharacterName(name);
  const characters = Array.from(normal);
  if (characters.length < CHARACTER_NAME_MIN_LENGTH) return `That name is too short: use ${lengths}.`;
  if (characters.length > CHARACTER_NAME_MAX_LENGTH) return `That name is too long: use ${lengths}.`;
  if (!/^[\p{L}\p{M}0-9_]+$/u.test(normal)) {
    return "A name may hold only letters, digits (0–9) and underscores: remove spaces, punctuation and other signs.";
  }
  if (/^\p{M}/u.test(normal)) return "A name cannot begin with an accent on its own: begin it with a letter, a digit or an underscore.";
  if (normal !== normal.normalize("NFKC")) {
    return "That name uses special forms of letters (full-width, ligatures, superscripts…): type them as plain letters.";
  }
  let systems: string[] | undefined;
  const seen = new Set<string>();
  for (const character of characters) {
    if (SHARED_BY_ALL.test(character)) continue;
    const scripts = [...SCRIPT_PATTERNS].filter(([, pattern]) => pattern.test(character)).map(([script]) => script);
    const own = Object.keys(NAME_WRITING_SYSTEMS).filter((system) => NAME_WRITING_SYSTEMS[system].some((s) => scripts.includes(s)));
    if (own.length === 0) return `The letter "${character}" cannot be used in names: use the letters of a common alphabet.`;
    systems = systems ? systems.filter((system) => own.includes(system)) : own;
    if (systems.length === 0) {
      return (
        `A name must be written in one script, and this one mixes ${[...seen].join(", ")} and ${scripts.join(", ")} letters: ` +
        "use letters of one of them only."
      );
    }
    scripts.forEach((script) => seen.add(script));
  }
  return null;
}

/** A character as the HTTP API returns it. */
export interface CharacterSummary {
  id: string;
  name: string;
  zone: string;
  x: number;
  y: number;
  level: number;
  createdAt: string;
  lastPlayedAt: string | null;
}

/** Error body of every failed API call. */
export interface ApiError {
  error: string;
}
