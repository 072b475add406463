/**
 * A swarm of headless players against any OatNut server: each bot signs in as a guest,
 * creates a character, enters the world with a real @colyseus/sdk client, travels through
 * portals to the zone it was asked for, then walks like a player (one input per fixed
 * step, TICK_RATE a second, a new direction now and then) and fights the monsters it sees.
 * What it measures is what a player's connection receives: frames, patches and bytes.
 *
 * Used by `npm run bots` (bench/bots.ts, the operator's command line) and by `npm run
 * bench` (bench/run.ts). Works against a cluster too: a seat reservation names the process
 * that holds the room, and the SDK connects there.
 */
import { Client, type InputHandle, type Room } from "@colyseus/sdk";
import { Protocol } from "@colyseus/shared-types";
import { CLOCK_BEACON_MS as STANDING_BEACON_MS } from "../client/src/game/movePump.ts";
import {
  batchRoomInputs,
  type InputBatcher,
  PLAYER_SPEED,
  ServerMessage,
  Skill,
  SKILLS,
  TICK_RATE,
  seededRandom,
  tilePath,
  type CharacterSummary,
  type MoveInputFields,
  type ZoneCatalog,
} from "@oatnut/shared";

export interface SwarmOptions {
  /** The server's base URL (http or https). */
  url: string;
  /**
   * Every process of a cluster to sign in through (each one's HTTP side): bot i uses
   * urls[i % urls.length]. Default: [url].
   */
  urls?: string[];
  /** The zone the bots play in; they walk there through portals from where they enter. */
  zone?: string;
  count: number;
  /** Seconds of measurement, after every bot joined (and reached its zone). */
  durationSeconds: number;
  /** Bots that start joining per second; 0 or undefined: as fast as the server takes them. */
  rampPerSecond?: number;
  /** How many sign-ins and joins are under way at once (when not ramping). */
  parallel?: number;
  /**
   * Seconds each bot first walks straight away from where it entered (a random direction
   * and a random share of this time), so a swarm that enters at one spawn point spreads
   * over the zone before the measurement starts. 0: no scattering.
   */
  scatterSeconds?: number;
  /** Attack monsters in reach (default true). */
  fight?: boolean;
  /**
   * Send a walk's repeated steps two to a frame while the zone is busy, like the real client (default
   * true; shared/src/inputBatch.ts). False: one frame per input (to measure the lever).
   */
  batchInputs?: boolean;
  /** The zones, to find the way through portals (the shipped ones by default). */
  zones?: ZoneCatalog;
  /** Prefix of the characters' names (3–16 letters, digits or underscores in all). */
  namePrefix?: string;
  /**
   * How many bots keep decoding the state once in their zone (default: all). The others
   * only count the frames and bytes they receive, as a client that skips decoding would:
   * the server does the very same work, and one core of bots can then drive many more
   * players. Visible players and monsters are averaged over the decoding bots.
   */
  decoders?: number;
  /**
   * How many bots stand still once scattered, like a player with no key held (trading,
   * chatting, away): the real client then sends one zero input a second, its clock beacon
   * (client/src/game/movePump.ts, CLOCK_BEACON_MS). The others walk. Default 0. Standing
   * bots are the last ones joined; the decoding ones (the first) walk while there are
   * enough walkers.
   */
  standing?: number;
  /** Delete each bot's character when it leaves (default true). */
  cleanUp?: boolean;
  seed?: number;
  /** Called about once a second with a progress line. */
  onProgress?: (line: string) => void;
  /** Awaited as the measurement starts and as it ends (a benchmark reads the server then). */
  onMeasure?: (phase: "start" | "end") => Promise<void> | void;
}

export interface SwarmSummary {
  url: string;
  zone: string | null;
  requested: number;
  joined: number;
  failed: number;
  /** The first few distinct failure reasons, with their counts. */
  failures: Record<string, number>;
  /** From the sign-in request to the first state of the room (ms). */
  joinLatencyMs: { p50: number; p99: number; max: number };
  /** State patches each bot received a second over `seconds`: the mean, and the lowest bot's. */
  patchesPerSecond: { mean: number; min: number };
  bytesPerClientPerSecond: number;
  framesPerClientPerSecond: number;
  /** Other players in a bot's view, on average over the measurement. */
  visiblePlayers: number;
  visibleMonsters: number;
  inputsPerSecond: number;
  /** WebSocket frames carrying inputs, a bot a second (below inputsPerSecond when batched). */
  inputFramesPerSecond: number;
  attacks: number;
  /** Bots that stood still during the measurement (SwarmOptions.standing). */
  standing: number;
  /** Bots that died at least once, and bots whose connection closed during the measurement. */
  deaths: number;
  disconnected: number;
  seconds: number;
}

/** What one frame's first byte says it is (modifier bits stripped). */
function frameCode(data: unknown): number {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)[0] & 0x1f;
  if (ArrayBuffer.isView(data)) return (data as Uint8Array)[0] & 0x1f;
  return -1;
}

function frameBytes(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export class SwarmError extends Error {}

/** A swarm's bots that have not reached their zone once none arrived for this long have failed. */
const TRAVEL_STALL_MS = 60_000;

/** Longest a bot waits for the server to confirm it left. */
const LEAVE_TIMEOUT_MS = 5000;

async function request(url: string, method: string, path: string, token?: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text for the error
  }
  if (!response.ok) {
    const error = (parsed as { error?: string } | null)?.error ?? text.slice(0, 80);
    if (response.status === 429) {
      throw new SwarmError(
        `${method} ${path}: 429 ${error} (the server's rate limits allow a few sign-ins per address: ` +
          `start the server under test with RATE_LIMIT_MULTIPLIER=1000)`,
      );
    }
    throw new SwarmError(`${method} ${path}: ${response.status} ${error}`);
  }
  return parsed;
}

/** The first portal hop of the shortest zone-to-zone route, or null when there is none. */
function nextZone(zones: ZoneCatalog, from: string, to: string): string | null {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const zone = queue[head];
    if (zone === to) {
      let hop = zone;
      while (previous.get(hop) !== from) hop = previous.get(hop)!;
      return hop;
    }
    for (const portal of zones.get(zone).map.portals) {
      if (!previous.has(portal.targetZone) && zones.has(portal.targetZone)) {
        previous.set(portal.targetZone, zone);
        queue.push(portal.targetZone);
      }
    }
  }
  return null;
}

interface Counters {
  bytes: number;
  frames: number;
  patches: number;
}

/** One headless player. */
class Bot {
  room?: Room<any, any>;
  zone = "";
  counting: Counters = { bytes: 0, frames: 0, patches: 0 };
  inputs = 0;
  attacks = 0;
  died = false;
  closed = false;
  characterId = "";
  token = "";
  /** The SDK decodes this bot's frames (see SwarmOptions.decoders). */
  decoding = true;
  /** Stands still once scattered (see SwarmOptions.standing). */
  standing = false;
  private lastBeacon = -Infinity;
  private direction = { dx: 0, dy: 0 };
  private nextTurn = 0;
  private scatterUntil = 0;
  private route: Array<{ x: number; y: number }> = [];
  private routeZone = "";
  private lastAttack = 0;
  private stuckSince = 0;
  /** After being stuck: a random direction held until then, before finding the way again. */
  private unstick = { until: 0, dx: 0, dy: 0 };
  /** Progress along the route: how many waypoints were left, and the closest it came to the next one. */
  private progress = { left: 0, closest: Infinity };
  private transferring = false;
  arrived: Promise<void>;
  /** Settles `arrived` (also for a bot that lost its way). */
  arrive!: () => void;
  private input?: InputHandle<MoveInputFields>;
  private batcher?: InputBatcher;
  /** Input frames sent before this room's batcher (or without one). */
  private inputFramesBefore = 0;
  /** Input frames sent when the measurement started. */
  inputFramesAtStart = 0;

  constructor(
    readonly index: number,
    private readonly options: SwarmOptions & { zones: ZoneCatalog },
    private readonly random: () => number,
  ) {
    this.arrived = new Promise((resolve) => (this.arrive = resolve));
  }

  /** The server this bot signs in through. */
  private get url(): string {
    const urls = this.options.urls?.length ? this.options.urls : [this.options.url];
    return urls[this.index % urls.length]!;
  }

  /** Signs in, creates a character and joins; resolves with the join latency (ms). */
  async join(): Promise<number> {
    const started = performance.now();
    const url = this.url;
    const guest = (await request(url, "POST", "/auth/anonymous")) as { token?: string };
    if (typeof guest?.token !== "string") throw new SwarmError("POST /auth/anonymous: no token in the answer");
    this.token = guest.token;
    const name = `${this.options.namePrefix ?? "Bot"}${Math.floor(this.random() * 36 ** 6)
      .toString(36)
      .padStart(6, "0")}`.slice(0, 16);
    const character = (await request(url, "POST", "/api/characters", this.token, { name })) as CharacterSummary;
    this.characterId = character.id;
    const reservation = await request(url, "POST", `/api/characters/${character.id}/play`, this.token);
    await this.enter(reservation, character.zone);
    return performance.now() - started;
  }

  private async enter(reservation: unknown, zone: string): Promise<void> {
    const room = await new Client(this.url).consumeSeatReservation<any>(reservation as never);
    for (const type of Object.values(ServerMessage)) if (type !== ServerMessage.Transfer) room.onMessage(type, () => {});
    room.onMessage(ServerMessage.Transfer, (offer: { zone?: unknown; reservation?: unknown }) => void this.transfer(offer));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SwarmError("no state within 30 s of joining")), 30_000);
      room.onStateChange.once(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.room = room;
    this.zone = zone;
    this.input = room.input<MoveInputFields>();
    this.inputFramesBefore += this.batcher?.framesSent ?? 0;
    this.batcher?.dispose();
    this.batcher = this.options.batchInputs === false ? undefined : batchRoomInputs(room, this.input.data);
    this.transferring = false;
    room.onLeave(() => {
      if (this.room === room && !this.transferring) this.closed = true;
    });
    const ws = (room.connection as any).transport.ws as WebSocket;
    ws.addEventListener("message", (event: MessageEvent) => {
      const counters = this.counting;
      counters.frames++;
      counters.bytes += frameBytes(event.data);
      if (frameCode(event.data) === Protocol.ROOM_STATE_PATCH) counters.patches++;
    });
    if (!this.options.zone || zone === this.options.zone) this.reached();
  }

  /** From now on, frames are counted but not decoded (the state stays as last decoded). */
  stopDecoding(): void {
    const ws = (this.room?.connection as any)?.transport?.ws as WebSocket | undefined;
    if (!ws) return;
    ws.onmessage = null;
    this.decoding = false;
  }

  private reached(): void {
    const scatter = this.options.scatterSeconds ?? 0;
    if (scatter > 0) {
      const angle = this.random() * 2 * Math.PI;
      this.direction = { dx: Math.round(Math.cos(angle)), dy: Math.round(Math.sin(angle)) };
      // A uniform spread over a disc: walking time grows with the square root.
      this.scatterUntil = performance.now() + scatter * 1000 * Math.sqrt(this.random());
    }
    this.arrive();
  }

  private async transfer(offer: { zone?: unknown; reservation?: unknown }): Promise<void> {
    if (typeof offer?.zone !== "string" || !offer.reservation) return;
    const old = this.room;
    this.transferring = true;
    try {
      await this.enter(offer.reservation, offer.zone);
      await old?.leave().catch(() => {});
    } catch (error) {
      this.transferring = false;
      old?.send("transferFailed", { reason: String((error as Error).message).slice(0, 100) });
    }
  }

  private me(): { x: number; y: number; hp: number } | undefined {
    return this.room?.state?.players?.get(this.room.sessionId);
  }

  /** WebSocket frames that carried this bot's inputs so far. */
  get inputFrames(): number {
    return this.inputFramesBefore + (this.batcher?.framesSent ?? 0);
  }

  /** One fixed step: sends one input, like the real client while a key is held. */
  step(now: number): void {
    const room = this.room;
    const input = this.input;
    if (!room || !input || this.transferring || this.closed) return;
    const me = this.me();
    if (!me) return;
    if (me.hp === 0) this.died = true;
    let { dx, dy } = this.direction;
    let skill = 0;
    let target = 0;
    if (this.standing && now >= this.scatterUntil) {
      // Nothing held: one zero input a second (the first one stops the walk).
      if (now - this.lastBeacon < STANDING_BEACON_MS) return;
      this.lastBeacon = now;
      dx = dy = 0;
    } else if (!this.decoding) {
      if (now >= this.nextTurn && now >= this.scatterUntil) {
        this.direction = { dx: Math.floor(this.random() * 3) - 1, dy: Math.floor(this.random() * 3) - 1 };
        this.nextTurn = now + 1000 + this.random() * 1000;
      }
      ({ dx, dy } = this.direction);
    } else if (this.options.zone && this.zone !== this.options.zone) {
      [dx, dy] = this.towardPortal(me, now);
    } else if (now < this.scatterUntil) {
      // keep the scatter direction
    } else {
      if (now >= this.nextTurn) {
        this.direction = { dx: Math.floor(this.random() * 3) - 1, dy: Math.floor(this.random() * 3) - 1 };
        this.nextTurn = now + 1000 + this.random() * 1000;
        ({ dx, dy } = this.direction);
      }
      if (this.options.fight !== false && me.hp > 0) {
        const foe = this.nearestMonster(me);
        if (foe) {
          const melee = SKILLS[Skill.Melee];
          const bolt = SKILLS[Skill.Bolt];
          if (foe.distance <= melee.range - 4 && now - this.lastAttack >= melee.cooldownMs) skill = Skill.Melee;
          else if (foe.distance <= bolt.range - 8 && now - this.lastAttack >= bolt.cooldownMs) skill = Skill.Bolt;
          if (skill) {
            target = foe.eid;
            this.lastAttack = now;
            this.attacks++;
          }
          // Close in on it.
          dx = Math.sign(Math.round((foe.x - me.x) / 8));
          dy = Math.sign(Math.round((foe.y - me.y) / 8));
          if (foe.distance < melee.range / 2) dx = dy = 0;
        }
      }
    }
    input.data.dx = dx;
    input.data.dy = dy;
    input.data.skill = skill;
    input.data.target = target;
    try {
      input.send();
      this.inputs++;
      if (!this.batcher) this.inputFramesBefore++;
    } catch {
      // the connection is closing: onLeave says so
    }
  }

  private nearestMonster(me: { x: number; y: number }): { eid: number; x: number; y: number; distance: number } | null {
    let best: { eid: number; x: number; y: number; distance: number } | null = null;
    this.room!.state.monsters?.forEach((monster: { eid: number; x: number; y: number; hp: number }) => {
      if (monster.hp <= 0) return;
      const distance = Math.hypot(monster.x - me.x, monster.y - me.y);
      if (distance <= SKILLS[Skill.Bolt].range * 1.5 && (!best || distance < best.distance))
        best = { eid: monster.eid, x: monster.x, y: monster.y, distance };
    });
    return best;
  }

  /** The direction toward the next portal on the way to the asked zone. */
  private towardPortal(me: { x: number; y: number }, now: number): [number, number] {
    const zones = this.options.zones;
    if (this.routeZone !== this.zone || this.route.length === 0) {
      this.routeZone = this.zone;
      const hop = nextZone(zones, this.zone, this.options.zone!);
      if (!hop) throw new SwarmError(`no way through portals from ${this.zone} to ${this.options.zone}`);
      const map = zones.get(this.zone).map;
      this.route =
        tilePath(
          map,
          me,
          map.portals.filter((p) => p.targetZone === hop),
        ) ?? [];
      this.stuckSince = now;
    }
    // One step is PLAYER_SPEED / TICK_RATE px: within half a step of a waypoint on an axis
    // is as close as steps get, so it counts as there (no see-saw across it).
    const halfStep = PLAYER_SPEED / TICK_RATE / 2;
    const near = (point: { x: number; y: number }) => Math.abs(point.x - me.x) <= halfStep && Math.abs(point.y - me.y) <= halfStep;
    while (this.route.length > 1 && near(this.route[0]!)) this.route.shift();
    // Stuck means no progress, not no movement: a bot sliding back and forth along a wall
    // moves without getting anywhere.
    const next = this.route[0];
    const distance = next ? Math.hypot(next.x - me.x, next.y - me.y) : Infinity;
    if (this.route.length !== this.progress.left || distance < this.progress.closest - 1) {
      this.progress = { left: this.route.length, closest: distance };
      this.stuckSince = now;
    } else if (now - this.stuckSince > 3000) {
      // Caught on a corner (or put back after a failed transfer): a second in a random
      // direction, then the way is found again from wherever that led.
      this.unstick = { until: now + 1000, dx: Math.floor(this.random() * 3) - 1, dy: Math.floor(this.random() * 3) - 1 };
      this.route = [];
      this.progress = { left: 0, closest: Infinity };
      this.stuckSince = now;
    }
    if (now < this.unstick.until) return [this.unstick.dx, this.unstick.dy];
    if (!next) return [0, 0];
    const dx = Math.abs(next.x - me.x) <= halfStep ? 0 : Math.sign(next.x - me.x);
    const dy = Math.abs(next.y - me.y) <= halfStep ? 0 : Math.sign(next.y - me.y);
    if (dx === 0 && dy === 0 && this.route.length > 1) this.route.shift();
    return [dx, dy];
  }

  async leave(cleanUp: boolean): Promise<void> {
    // The SDK's leave() never settles for a room whose connection already closed (a bot the
    // server disconnected): only an open room is left, and for at most LEAVE_TIMEOUT_MS.
    const room = this.room;
    if (room && !this.closed && room.connection?.isOpen) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([room.leave().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, LEAVE_TIMEOUT_MS)))]);
      clearTimeout(timer);
    }
    this.batcher?.dispose();
    if (cleanUp && this.characterId) {
      await request(this.url, "DELETE", `/api/characters/${this.characterId}`, this.token).catch(() => {});
    }
  }
}

/** Runs a swarm and returns its summary. */
export async function runSwarm(options: SwarmOptions): Promise<SwarmSummary> {
  if (!(options.count > 0)) throw new SwarmError("--count must be a positive number");
  if (!(options.durationSeconds > 0)) throw new SwarmError("--duration must be a positive number of seconds");
  const zones = options.zones ?? (await import("@oatnut/shared/node")).loadZonesFromDisk();
  if (options.zone && !zones.has(options.zone)) {
    throw new SwarmError(
      `unknown zone "${options.zone}" (zones: ${zones
        .all()
        .map((z) => z.id)
        .join(", ")})`,
    );
  }
  const settings = { ...options, zones };
  const random = seededRandom(options.seed ?? Date.now());
  const progress = options.onProgress ?? (() => {});
  const bots = Array.from({ length: options.count }, (_, i) => new Bot(i, settings, seededRandom(Math.floor(random() * 2 ** 32) + i)));
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let failed = 0;
  const live: Bot[] = [];

  // Every bot's fixed step runs on one timer, like one client per bot would.
  const stepMs = 1000 / TICK_RATE;
  let stepping = true;
  let nextStep = performance.now();
  const stepper = (async () => {
    while (stepping) {
      const now = performance.now();
      for (const bot of live.slice()) {
        try {
          bot.step(now);
        } catch (error) {
          // A bot that cannot go on (lost its way): a failure, not the end of the swarm.
          failed++;
          const reason = String((error as Error).message ?? error).slice(0, 200);
          if (Object.keys(failures).length < 10 || reason in failures) failures[reason] = (failures[reason] ?? 0) + 1;
          live.splice(live.indexOf(bot), 1);
          bot.arrive();
          void bot.leave(options.cleanUp !== false);
        }
      }
      nextStep = Math.max(nextStep + stepMs, now + 1);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextStep - performance.now())));
    }
  })();

  const joinOne = async (bot: Bot) => {
    try {
      latencies.push(await bot.join());
      live.push(bot);
    } catch (error) {
      failed++;
      const reason = String((error as Error).message ?? error).slice(0, 200);
      if (Object.keys(failures).length < 10 || reason in failures) failures[reason] = (failures[reason] ?? 0) + 1;
    }
  };

  const joinStarted = performance.now();
  const ticker = setInterval(() => {
    const elapsed = ((performance.now() - joinStarted) / 1000).toFixed(0);
    progress(`[${elapsed}s] joining: ${live.length} joined, ${failed} failed of ${options.count}`);
  }, 1000);
  try {
    if (options.rampPerSecond && options.rampPerSecond > 0) {
      const pending: Array<Promise<void>> = [];
      for (const bot of bots) {
        pending.push(joinOne(bot));
        await new Promise((resolve) => setTimeout(resolve, 1000 / options.rampPerSecond!));
      }
      await Promise.all(pending);
    } else {
      const parallel = Math.max(1, options.parallel ?? 20);
      let next = 0;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < bots.length) await joinOne(bots[next++]);
        }),
      );
    }
  } finally {
    clearInterval(ticker);
  }

  // Travel to the zone asked for, then scatter.
  if (live.length > 0) {
    progress(`${live.length} joined${options.zone ? `; walking to ${options.zone}` : ""}`);
    // However long the way takes while bots keep arriving (a big swarm's transfers queue on
    // the database), but not once they stop arriving. A bot that will not decode stops as soon as it is there: decoding every state on the
    // way while hundreds are still travelling kept the bots' one core busy for seconds on
    // end (no pong for the server's pings, whose connections it then closed).
    const decoders = options.decoders ?? bots.length;
    let arrivals = 0;
    let lastArrival = performance.now();
    for (const bot of live)
      void bot.arrived.then(() => {
        arrivals++;
        lastArrival = performance.now();
        if (bot.index >= decoders) bot.stopDecoding();
      });
    const everyone = live.length;
    while (arrivals < everyone && performance.now() - lastArrival < TRAVEL_STALL_MS) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (arrivals < everyone) {
      const reason = `did not reach ${options.zone}: nobody arrived for ${TRAVEL_STALL_MS / 1000} s`;
      for (const bot of live.splice(0)) {
        if (bot.zone !== options.zone) {
          failed++;
          failures[reason] = (failures[reason] ?? 0) + 1;
          void bot.leave(options.cleanUp !== false);
        } else live.push(bot);
      }
    }
    const walkers = live.length - Math.min(live.length, Math.max(0, options.standing ?? 0));
    live.forEach((bot, i) => {
      if (bot.index >= decoders) bot.stopDecoding();
      if (i >= walkers) bot.standing = true;
    });
    const scatter = options.scatterSeconds ?? 0;
    if (scatter > 0) {
      progress(`scattering for ${scatter} s`);
      await new Promise((resolve) => setTimeout(resolve, scatter * 1000));
    }
  }

  // The measurement.
  await options.onMeasure?.("start");
  const started = performance.now();
  for (const bot of live) {
    bot.counting = { bytes: 0, frames: 0, patches: 0 };
    bot.inputs = 0;
    bot.inputFramesAtStart = bot.inputFrames;
  }
  let visibleSum = 0;
  let monsterSum = 0;
  let samples = 0;
  await new Promise<void>((resolve) => {
    const sampler = setInterval(() => {
      const now = performance.now();
      const inView = live.filter((bot) => bot.room && !bot.closed && bot.decoding);
      if (inView.length > 0) {
        visibleSum += inView.reduce((sum, bot) => sum + Math.max(0, (bot.room!.state.players?.size ?? 1) - 1), 0) / inView.length;
        monsterSum += inView.reduce((sum, bot) => sum + (bot.room!.state.monsters?.size ?? 0), 0) / inView.length;
        samples++;
      }
      const seconds = (now - started) / 1000;
      const bytes = live.reduce((sum, bot) => sum + bot.counting.bytes, 0);
      const patches = live.reduce((sum, bot) => sum + bot.counting.patches, 0);
      progress(
        `[${seconds.toFixed(0)}/${options.durationSeconds}s] ${live.length - live.filter((b) => b.closed).length} playing, ` +
          `${(patches / Math.max(1, live.length) / seconds).toFixed(1)} patches/s, ` +
          `${(bytes / Math.max(1, live.length) / seconds).toFixed(0)} B/client/s, ` +
          `${samples ? (visibleSum / samples).toFixed(1) : 0} players in view`,
      );
      if (seconds >= options.durationSeconds) {
        clearInterval(sampler);
        resolve();
      }
    }, 1000);
  });
  const seconds = (performance.now() - started) / 1000;
  await options.onMeasure?.("end");
  stepping = false;
  await stepper;

  const counted = live.length || 1;
  const patchRates = live.map((bot) => bot.counting.patches / seconds);
  latencies.sort((a, b) => a - b);
  const summary: SwarmSummary = {
    url: options.url,
    zone: options.zone ?? null,
    requested: options.count,
    joined: latencies.length,
    failed,
    failures,
    joinLatencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(latencies.at(-1) ?? 0),
    },
    patchesPerSecond: {
      mean: +(patchRates.reduce((a, b) => a + b, 0) / counted).toFixed(2),
      min: +(live.length ? Math.min(...patchRates) : 0).toFixed(2),
    },
    bytesPerClientPerSecond: Math.round(live.reduce((sum, bot) => sum + bot.counting.bytes, 0) / counted / seconds),
    framesPerClientPerSecond: +(live.reduce((sum, bot) => sum + bot.counting.frames, 0) / counted / seconds).toFixed(2),
    visiblePlayers: +(samples ? visibleSum / samples : 0).toFixed(2),
    visibleMonsters: +(samples ? monsterSum / samples : 0).toFixed(2),
    inputsPerSecond: +(live.reduce((sum, bot) => sum + bot.inputs, 0) / counted / seconds).toFixed(2),
    inputFramesPerSecond: +(live.reduce((sum, bot) => sum + bot.inputFrames - bot.inputFramesAtStart, 0) / counted / seconds).toFixed(2),
    attacks: live.reduce((sum, bot) => sum + bot.attacks, 0),
    standing: live.filter((bot) => bot.standing).length,
    deaths: live.filter((bot) => bot.died).length,
    disconnected: live.filter((bot) => bot.closed).length,
    seconds: +seconds.toFixed(2),
  };
  progress("leaving");
  const leaving = [...live];
  for (let i = 0; i < leaving.length; i += 50) {
    await Promise.all(leaving.slice(i, i + 50).map((bot) => bot.leave(options.cleanUp !== false)));
  }
  return summary;
}
