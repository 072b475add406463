/**
 * Portal system on a stub zone: a character whose centre stands in a portal is sent
 * through it (`enter`); outside every portal, its safe spot follows it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { insideRect, TILE_SIZE, type Portal, type Position } from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { MovementSystem } from "../../src/rooms/systems/movement.ts";
import { PortalSystem } from "../../src/rooms/systems/portals.ts";
import { stubZone, tileCentre } from "./stubZone.ts";

/** A corridor whose east end (column 9, an opening in the wall) is a portal to the field. */
const CORRIDOR = ["##########", "#S........", "#........#", "##########"];
const PORTALS = [
  { name: "toField", rect: [9, 1, 1, 1] as [number, number, number, number], targetZone: "field", targetSpawn: "fromCorridor" },
];

function setup() {
  const zone = stubZone({ rows: CORRIDOR, portals: PORTALS });
  const entered: Array<{ sessionId: string; portal: Portal; at: Position }> = [];
  const portals = new PortalSystem(zone, (session, portal) =>
    entered.push({ sessionId: session.sessionId, portal, at: { x: session.player.x, y: session.player.y } }),
  );
  return { zone, portals, entered };
}

const where = (session: PlayerSession): Position => ({ x: session.player.x, y: session.player.y });

describe("portal system", () => {
  it("sends a character whose centre stands in a portal through it", () => {
    const { zone, portals, entered } = setup();
    zone.use(portals);
    const alice = zone.join({ at: tileCentre(9, 1) });
    zone.tick();
    assert.deepEqual(
      entered.map((entry) => [entry.sessionId, entry.portal]),
      [[alice.sessionId, zone.map.portals[0]]],
    );
    assert.deepEqual(entered[0].portal, {
      name: "toField",
      x: 9 * TILE_SIZE,
      y: TILE_SIZE,
      width: TILE_SIZE,
      height: TILE_SIZE,
      targetZone: "field",
      targetSpawn: "fromCorridor",
    });
  });

  it("counts the portal's west edge as inside, and a hair short of it as outside", () => {
    const { zone, portals, entered } = setup();
    zone.use(portals);
    const edge = 9 * TILE_SIZE;
    zone.join({ at: { x: edge - 0.5, y: tileCentre(9, 1).y } });
    zone.tick();
    assert.equal(entered.length, 0);
    const bob = zone.join({ at: { x: edge, y: tileCentre(9, 1).y } });
    zone.tick();
    assert.deepEqual(
      entered.map((entry) => entry.sessionId),
      [bob.sessionId],
    );
  });

  it("keeps the safe spot on the character outside portals, and at its last place outside once it steps in", () => {
    const { zone, portals, entered } = setup();
    zone.use(new MovementSystem(zone, { ...zone.inputFeed(), useSkill: () => {} }));
    zone.use(portals);
    const alice = zone.join();
    let lastOutside = where(alice);
    zone.queueInputs(alice, ...Array.from({ length: 60 }, () => ({ dx: 1 })));
    zone.tickUntil(() => {
      if (entered.length > 0) return true;
      assert.deepEqual(alice.safe, where(alice), "outside: the safe spot is where it stands");
      lastOutside = where(alice);
      return false;
    }, "the character walks into the portal");
    const portal = zone.map.portals[0];
    assert.ok(insideRect(portal, alice.player.x, alice.player.y));
    assert.deepEqual(entered[0].at, where(alice));
    assert.deepEqual(alice.safe, lastOutside, "the last place outside");
    assert.ok(!insideRect(portal, alice.safe.x, alice.safe.y));
  });

  it("sends nobody anywhere while everyone stays outside, however they got where they are", () => {
    const { zone, portals, entered } = setup();
    zone.use(portals);
    const alice = zone.join({ at: tileCentre(2, 2) });
    alice.player.x = tileCentre(8, 2).x; // moved by some other system this tick
    zone.tick(100);
    assert.deepEqual(entered, []);
    assert.deepEqual(alice.safe, tileCentre(8, 2));
  });
});
