/**
 * Bots for the naive Socket.IO server (bench/naive/server.ts), behaving as OatNut's
 * benchmark bots do: each connects (WebSocket transport), joins with a name, then sends
 * one "move" intent every 50 ms (20/s, as the real client sends its inputs), picking a new
 * random direction (dx, dy each in -1..1, seeded) every second.
 *
 * What is measured, per bot, over `durationSeconds` once every bot has joined:
 * - bytes received: the TCP bytes the bot's WebSocket read (`bytesRead` of the `ws`
 *   socket under engine.io-client's transport), i.e. the actual WebSocket frames, headers
 *   included (TCP/IP overhead left out). Where that socket cannot be reached, the engine.io
 *   packets received are counted instead: payload + 1-byte type prefix + frame header.
 * - state messages received, and the number of other players in the last one.
 *
 * The bots parse a state only when they need it (to find themselves in the first one, and
 * the last one at the end): the others are counted, not decoded, so the bot process —
 * which receives what the server sends to every client — stays light. A browser would
 * parse each one; the server's work and the bytes are the same either way.
 *
 *   node --import tsx bench/naive/bots.ts --url http://127.0.0.1:PORT --count 25 --duration 10 [--seed 1] [--ramp N]
 */
import { parseArgs } from "node:util";
import { seededRandom } from "@oatnut/shared";
import { io, type Socket } from "socket.io-client";
import { isMain, randomInt } from "./util.ts";

export interface NaiveBotsOptions {
  url: string;
  count: number;
  durationSeconds: number;
  seed?: number;
  /** Bots started per second; absent: all at once, in parallel batches of 50. */
  rampPerSecond?: number;
  onProgress?: (line: string) => void;
  /**
   * Called (and awaited) as the measure starts, once every bot has joined, and as it ends,
   * before the bots leave: where a caller samples the server for the same window.
   */
  onMeasure?: (phase: "start" | "end") => void | Promise<void>;
}

export interface NaiveBotsResult {
  joined: number;
  failed: number;
  bytesPerClientPerSecond: number;
  messagesPerClientPerSecond: number;
  visibleAverage: number;
  seconds: number;
}

const INPUT_MS = 50;
const INPUTS_PER_DIRECTION = 20;
const JOIN_TIMEOUT_MS = 10_000;
const BATCH = 50;
/** How a state message starts once engine.io has removed its type prefix. */
const STATE_PACKET_PREFIX = '2["state",';

interface StateMessage {
  players: Array<{ id: number }>;
}

class Bot {
  readonly socket: Socket;
  id: number | undefined;
  /** Set once a state listing this bot has arrived. */
  hasFullState = false;
  states = 0;
  lastState: string | undefined;
  /** Fallback count (see bytesReceived). */
  private packetBytes = 0;
  private mover: NodeJS.Timeout | undefined;
  private fullState: (() => void) | undefined;

  constructor(
    url: string,
    readonly name: string,
    private readonly random: () => number,
  ) {
    // The client offers permessage-deflate; the naive server declines it, so frames are plain.
    this.socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: JOIN_TIMEOUT_MS, autoConnect: false });
    // Take state packets before the Socket.IO decoder JSON-parses them (see the header).
    const decoder = (this.socket.io as any).decoder;
    const add = decoder.add.bind(decoder);
    decoder.add = (data: unknown) => {
      if (typeof data === "string" && data.startsWith(STATE_PACKET_PREFIX)) this.onState(data);
      else add(data);
    };
    this.socket.io.on("open", () => {
      if (this.tcpSocket()) return;
      this.socket.io.engine.on("packet", (packet: { data?: unknown }) => {
        if (typeof packet.data === "string") {
          const payload = 1 + Buffer.byteLength(packet.data);
          this.packetBytes += payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
        }
      });
    });
  }

  /** The TCP socket under the `ws` WebSocket of engine.io-client's transport, if reachable. */
  private tcpSocket(): { bytesRead: number } | undefined {
    const tcp = (this.socket.io.engine as any)?.transport?.ws?._socket;
    return typeof tcp?.bytesRead === "number" ? tcp : undefined;
  }

  /** Bytes received so far: see the header. */
  bytesReceived(): number {
    return this.tcpSocket()?.bytesRead ?? this.packetBytes;
  }

  /** Connects, joins and waits for the first state listing this bot; false after 10 s. */
  async join(): Promise<boolean> {
    const joined = new Promise<void>((resolve, reject) => {
      this.fullState = resolve;
      this.socket.once("connect_error", reject);
      this.socket.once("connect", () => {
        this.socket
          .timeout(JOIN_TIMEOUT_MS)
          .emitWithAck("join", { name: this.name })
          .then((reply: { id: number }) => {
            this.id = reply.id;
            this.startMoving();
          }, reject);
      });
      this.socket.connect();
    });
    joined.catch(() => {}); // when the timeout wins, a later failure is not news
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("join timed out")), JOIN_TIMEOUT_MS);
    });
    try {
      await Promise.race([joined, timeout]);
      return true;
    } catch {
      this.close();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private onState(packet: string) {
    this.states++;
    this.lastState = packet;
    if (!this.hasFullState && this.id !== undefined && this.parse(packet).players.some((p) => p.id === this.id)) {
      this.hasFullState = true;
      this.fullState?.();
    }
  }

  parse(packet: string): StateMessage {
    return (JSON.parse(packet.slice(1)) as [string, StateMessage])[1];
  }

  /** Other players in the last state received (0 before any). */
  visible(): number {
    return this.lastState === undefined ? 0 : Math.max(0, this.parse(this.lastState).players.length - 1);
  }

  private startMoving() {
    let dx = 0;
    let dy = 0;
    let sent = 0;
    this.mover = setInterval(() => {
      if (sent++ % INPUTS_PER_DIRECTION === 0) {
        dx = randomInt(this.random, -1, 1);
        dy = randomInt(this.random, -1, 1);
      }
      this.socket.emit("move", { dx, dy });
    }, INPUT_MS);
  }

  close() {
    clearInterval(this.mover);
    this.socket.disconnect();
  }
}

export async function runNaiveBots(options: NaiveBotsOptions): Promise<NaiveBotsResult> {
  const { url, count, durationSeconds, onProgress = () => {} } = options;
  const seed = options.seed ?? 1;
  const bots = Array.from({ length: count }, (_, i) => new Bot(url, `Bot_${i}`, seededRandom(seed * 100_003 + i)));
  const outcomes: Array<Promise<boolean>> = [];
  try {
    if (options.rampPerSecond && options.rampPerSecond > 0) {
      const gap = 1000 / options.rampPerSecond;
      const start = performance.now();
      for (const [i, bot] of bots.entries()) {
        const wait = start + i * gap - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        outcomes.push(bot.join());
      }
    } else {
      for (let i = 0; i < bots.length; i += BATCH) {
        const batch = bots.slice(i, i + BATCH).map((bot) => bot.join());
        outcomes.push(...batch);
        await Promise.all(batch);
        onProgress(`started ${Math.min(i + BATCH, count)}/${count}`);
      }
    }
    const results = await Promise.all(outcomes);
    const joinedBots = bots.filter((_, i) => results[i]);
    const failed = count - joinedBots.length;
    onProgress(`joined ${joinedBots.length}/${count}${failed > 0 ? ` (${failed} failed)` : ""}; measuring ${durationSeconds} s`);

    await options.onMeasure?.("start");
    const bytesBefore = joinedBots.map((bot) => bot.bytesReceived());
    const statesBefore = joinedBots.map((bot) => bot.states);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, durationSeconds * 1000));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const bytes = joinedBots.reduce((sum, bot, i) => sum + bot.bytesReceived() - bytesBefore[i], 0);
    const states = joinedBots.reduce((sum, bot, i) => sum + bot.states - statesBefore[i], 0);
    await options.onMeasure?.("end");
    const dropped = joinedBots.filter((bot) => !bot.socket.connected).length;
    if (dropped > 0) onProgress(`${dropped} bots were disconnected during the measure (their counts stop there)`);
    const visible = joinedBots.reduce((sum, bot) => sum + bot.visible(), 0);
    onProgress(`bot process CPU during the measure: ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)}% of one core`);

    const perClient = (total: number) => (joinedBots.length > 0 ? total / joinedBots.length / seconds : 0);
    return {
      joined: joinedBots.length,
      failed,
      bytesPerClientPerSecond: perClient(bytes),
      messagesPerClientPerSecond: perClient(states),
      visibleAverage: joinedBots.length > 0 ? visible / joinedBots.length : 0,
      seconds,
    };
  } finally {
    await Promise.allSettled(outcomes);
    for (const bot of bots) bot.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      count: { type: "string", default: "25" },
      duration: { type: "string", default: "10" },
      seed: { type: "string", default: "1" },
      ramp: { type: "string" },
    },
  });
  if (!values.url) {
    console.error("usage: bots.ts --url http://127.0.0.1:PORT [--count 25] [--duration 10] [--seed 1] [--ramp N]");
    process.exit(2);
  }
  const result = await runNaiveBots({
    url: values.url,
    count: Number(values.count),
    durationSeconds: Number(values.duration),
    seed: Number(values.seed),
    rampPerSecond: values.ramp === undefined ? undefined : Number(values.ramp),
    onProgress: (line) => console.error(line),
  });
  console.log(JSON.stringify(result));
}
