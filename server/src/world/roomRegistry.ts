/**
 * The room classes registered at start-up, by room type name, so world code (entry,
 * transfers) can ask a room type how it places arrivals without importing every type.
 */
import type { ZoneRoomClass } from "../rooms/roomTypes.ts";

const registered = new Map<string, ZoneRoomClass>();

export function registerRoomTypes(types: ReadonlyMap<string, ZoneRoomClass>): void {
  registered.clear();
  for (const [name, roomClass] of types) registered.set(name, roomClass);
}

export function roomTypeClass(name: string): ZoneRoomClass {
  const roomClass = registered.get(name);
  if (!roomClass) throw new Error(`room type "${name}" is not registered`);
  return roomClass;
}
