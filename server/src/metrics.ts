/**
 * Prometheus metrics (prom-client), served at /metrics. Counters and histograms are
 * updated where things happen; gauges of players and rooms are read at scrape time from
 * the rooms of this process.
 */
import client from "prom-client";

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: "oatnut_process_", eventLoopMonitoringPrecision: 10 });

/** Bytes sent to clients, by kind: plain numbers the traffic watcher adds to on every frame. */
export interface TrafficTally {
  patch: number;
  message: number;
  other: number;
}

/** Zone rooms alive on this process (rooms add and remove themselves), for the gauges. */
type RoomLike = {
  zone: { id: string };
  roomId: string;
  sessions: Map<string, unknown>;
  clients: { length: number };
  traffic: TrafficTally;
};
export const liveRooms = new Set<RoomLike>();

/** Bytes sent per zone since the process started (rooms come and go; these only grow). */
const zoneTraffic = new Map<string, TrafficTally>();

/** The tally of bytes sent by the rooms of `zone`. */
export function zoneTrafficTally(zone: string): TrafficTally {
  let tally = zoneTraffic.get(zone);
  if (!tally) zoneTraffic.set(zone, (tally = { patch: 0, message: 0, other: 0 }));
  return tally;
}

new client.Gauge({
  name: "oatnut_players_online",
  help: 'Players in the world on this process, in total and per zone (label zone="all" for the total).',
  labelNames: ["zone"],
  registers: [registry],
  collect() {
    this.reset();
    let total = 0;
    for (const room of liveRooms) {
      total += room.sessions.size;
      this.inc({ zone: room.zone.id }, room.sessions.size);
    }
    this.set({ zone: "all" }, total);
  },
});

new client.Gauge({
  name: "oatnut_room_clients",
  help: "Connections of each zone room of this process (players in the world and players arriving or leaving).",
  labelNames: ["zone", "room"],
  registers: [registry],
  collect() {
    this.reset();
    for (const room of liveRooms) this.set({ zone: room.zone.id, room: room.roomId }, room.clients.length);
  },
});

new client.Counter({
  name: "oatnut_room_patch_bytes_total",
  help: "Bytes of state (full states and patches) each zone room of this process sent to its clients.",
  labelNames: ["zone", "room"],
  registers: [registry],
  collect() {
    this.reset();
    for (const room of liveRooms) this.inc({ zone: room.zone.id, room: room.roomId }, room.traffic.patch);
  },
});

new client.Gauge({
  name: "oatnut_rooms",
  help: "Zone rooms open on this process, per zone.",
  labelNames: ["zone"],
  registers: [registry],
  collect() {
    this.reset();
    for (const room of liveRooms) this.inc({ zone: room.zone.id });
  },
});

const STEP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.0175, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25];

/**
 * The one to watch: what one step of a zone room costs its process, everything included
 * — the systems of the fixed steps since the previous patch, then encoding the state for
 * every client and writing it to their sockets. Over the patch interval (50 ms) the zone
 * falls behind.
 */
export const tickDuration = new client.Histogram({
  name: "oatnut_tick_duration_seconds",
  help: "Time one step of a zone room takes: its systems plus encoding and sending the state patch to every client.",
  labelNames: ["zone"],
  buckets: STEP_BUCKETS,
  registers: [registry],
});

/** The patch's share of a step: encoding every client's view and writing it to its socket. */
export const patchDuration = new client.Histogram({
  name: "oatnut_patch_duration_seconds",
  help: "Time encoding and sending one state patch to every client of a zone room takes (part of oatnut_tick_duration_seconds).",
  labelNames: ["zone"],
  buckets: STEP_BUCKETS,
  registers: [registry],
});

new client.Counter({
  name: "oatnut_bytes_sent_total",
  help: "Bytes sent to clients by zone rooms, by kind (patch = full states and state patches, message, other).",
  labelNames: ["zone", "kind"],
  registers: [registry],
  collect() {
    this.reset();
    for (const [zone, tally] of zoneTraffic) {
      for (const kind of ["patch", "message", "other"] as const) if (tally[kind] > 0) this.inc({ zone, kind }, tally[kind]);
    }
  },
});

/** Frames received by zone and type since the process started: a number the boundary adds 1 to per frame. */
export interface ReceivedTally {
  count: number;
}

const receivedTallies = new Map<string, Map<string, ReceivedTally>>();

/**
 * The tally of frames of `type` received by the rooms of `zone` (the same object for every
 * room of the zone). A plain number per frame, read when /metrics is scraped: a prom-client
 * child's `inc()` hashes and validates its labels on every call, and the boundary counts
 * 20 input frames a second a client.
 */
export function receivedTally(zone: string, type: string): ReceivedTally {
  let byType = receivedTallies.get(zone);
  if (!byType) receivedTallies.set(zone, (byType = new Map()));
  let tally = byType.get(type);
  if (!tally) byType.set(type, (tally = { count: 0 }));
  return tally;
}

new client.Counter({
  name: "oatnut_messages_received_total",
  help: 'Frames received from clients by zone rooms, by type: input, join, leave, ping, a message type the room defines, or "other".',
  labelNames: ["zone", "type"],
  registers: [registry],
  collect() {
    this.reset();
    for (const [zone, byType] of receivedTallies) {
      for (const [type, tally] of byType) if (tally.count > 0) this.inc({ zone, type }, tally.count);
    }
  },
});

export const messagesRejected = new client.Counter({
  name: "oatnut_messages_rejected_total",
  help: 'Client frames refused at the boundary, by type (known types, else "other") and reason (rate, unknown, invalid, state, malformed, protocol).',
  labelNames: ["zone", "type", "reason"],
  registers: [registry],
});

export const saveDuration = new client.Histogram({
  name: "oatnut_save_duration_seconds",
  help: "Time a character save takes, retries included.",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const saveFailures = new client.Counter({
  name: "oatnut_save_failures_total",
  help: "Failed character save attempts (each retry counts).",
  registers: [registry],
});

export const zoneTransfers = new client.Counter({
  name: "oatnut_zone_transfers_total",
  help: "Zone transfers through portals, by outcome (arrived, returned).",
  labelNames: ["from", "to", "outcome"],
  registers: [registry],
});

export const skillsUsed = new client.Counter({
  name: "oatnut_skills_used_total",
  help: "Skill uses the server allowed, by zone and skill.",
  labelNames: ["zone", "skill"],
  registers: [registry],
});

export const skillsRefused = new client.Counter({
  name: "oatnut_skills_refused_total",
  help: "Skill uses the server refused, by zone and reason (skill, cooldown, range, sight, target, dead).",
  labelNames: ["zone", "reason"],
  registers: [registry],
});

export const monstersKilled = new client.Counter({
  name: "oatnut_monsters_killed_total",
  help: "Monsters killed, by zone and kind.",
  labelNames: ["zone", "kind"],
  registers: [registry],
});

export const monsterSystemDuration = new client.Histogram({
  name: "oatnut_monster_system_duration_seconds",
  help: "Time the monster system takes in one tick of a zone (all its monsters).",
  labelNames: ["zone"],
  buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005],
  registers: [registry],
});
