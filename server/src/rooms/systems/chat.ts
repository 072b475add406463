/**
 * Chat: zone chat to everyone in the zone, and whispers to a character by name wherever
 * it is — through Colyseus presence, so they cross processes with Redis. Lines are
 * length-limited and rate-limited per player at the boundary; clients show them as text.
 */
import {
  CHAT_BURST,
  CHAT_WINDOW_SECONDS,
  cleanChatText,
  characterNameKey,
  ClientMessage,
  normalizeCharacterName,
  ServerMessage,
  validateCharacterName,
  type ChatLine,
} from "@oatnut/shared";
import { logger } from "../../logger.ts";
import type { MessageParser, PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";

/** Presence channel a character's whispers are published on (by its name's unique key). */
export const whisperChannel = (name: string) => `oatnut:whisper:${characterNameKey(name)}`;

const parseZoneChat: MessageParser<{ text: string }> = (raw) => cleanChatText((raw as { text?: unknown } | null)?.text);

const parseWhisper: MessageParser<{ to: string; text: string }> = (raw) => {
  const to = (raw as { to?: unknown } | null)?.to;
  if (typeof to !== "string" || validateCharacterName(to) !== null) return "to must be a character name";
  const cleaned = cleanChatText((raw as { text?: unknown }).text);
  return typeof cleaned === "string" ? cleaned : { to: normalizeCharacterName(to), text: cleaned.text };
};

/** What a player chatting faster than the rate limit is told. */
export function chatTooFastNotice(): string {
  return `You are chatting too fast: at most ${CHAT_BURST} lines every ${CHAT_WINDOW_SECONDS} seconds. Wait a moment, then send it again.`;
}

/** What a player whispering to a character that is not in the world is told. */
export function notOnlineNotice(name: string): string {
  return `${name} is not online. Check the name, or whisper again later.`;
}

export class ChatSystem implements ZoneSystem {
  /** Recent line times per session, for the rate limit. */
  private readonly recent = new Map<string, number[]>();
  /** Whisper subscriptions per session. */
  private readonly inboxes = new Map<string, { channel: string; deliver: (line: ChatLine) => void }>();

  /**
   * @param findOnline the character of that name (any case) when it is in the world, on any
   *   process (systems/index.ts wires it to the database and the live registry)
   */
  constructor(
    private readonly zone: ZoneContext,
    private readonly findOnline: (name: string) => Promise<{ id: string; name: string } | undefined>,
  ) {
    zone.defineMessage(ClientMessage.Chat, parseZoneChat, (session, { text }) => {
      if (!this.allow(session)) return;
      const line: ChatLine = { channel: "zone", from: session.player.name, text };
      this.zone.broadcast(ServerMessage.Chat, line);
    });
    zone.defineMessage(ClientMessage.Whisper, parseWhisper, (session, { to, text }) => {
      if (!this.allow(session)) return;
      this.whisper(session, to, text).catch((error) => {
        logger.warn("whisper failed", { from: session.characterId, error: (error as Error).message });
        this.zone.notify(session, "Your whisper could not be delivered right now. Try again in a moment.");
      });
    });
  }

  /** Opens a player's whisper inbox: whispers to its name come here while it is in this zone. */
  onPlayerEnter(session: PlayerSession): void {
    const channel = whisperChannel(session.player.name);
    const deliver = (line: ChatLine) => this.zone.sendTo(session, ServerMessage.Chat, line);
    this.inboxes.set(session.sessionId, { channel, deliver });
    void this.zone.presence.subscribe(channel, deliver);
  }

  /** Closes it. */
  onPlayerLeave(session: PlayerSession): void {
    const inbox = this.inboxes.get(session.sessionId);
    if (inbox) this.zone.presence.unsubscribe(inbox.channel, inbox.deliver);
    this.inboxes.delete(session.sessionId);
    this.recent.delete(session.sessionId);
  }

  /** Rate limit: CHAT_BURST lines per CHAT_WINDOW_SECONDS of the zone's simulated clock; tells the player when it bites. */
  private allow(session: PlayerSession): boolean {
    const now = this.zone.now;
    const times = (this.recent.get(session.sessionId) ?? []).filter((t) => now - t < CHAT_WINDOW_SECONDS * 1000);
    if (times.length >= CHAT_BURST) {
      this.zone.notify(session, chatTooFastNotice());
      this.recent.set(session.sessionId, times);
      return false;
    }
    times.push(now);
    this.recent.set(session.sessionId, times);
    return true;
  }

  private async whisper(session: PlayerSession, to: string, text: string): Promise<void> {
    const target = await this.findOnline(to);
    if (!target) {
      this.zone.notify(session, notOnlineNotice(to));
      return;
    }
    const line: ChatLine = { channel: "whisper", from: session.player.name, to: target.name, text };
    await this.zone.presence.publish(whisperChannel(target.name), line);
    this.zone.sendTo(session, ServerMessage.Chat, line);
    logger.debug("whisper", { from: session.characterId, to: target.id });
  }
}
