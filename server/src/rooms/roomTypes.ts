/**
 * Room types, by the name a zone definition gives in `roomType`. "zone" is the plain
 * ZoneRoom; any other name is a module `server/src/rooms/types/<name>.ts` whose default
 * export extends ZoneRoom — adding a room type is adding that file and naming it in a
 * zone.json, nothing else.
 */
import { DEFAULT_ROOM_TYPE, ROOM_TYPE_NAME, type ZoneCatalog } from "@oatnut/shared";
import { ZoneRoom } from "./ZoneRoom.ts";

export type ZoneRoomClass = typeof ZoneRoom;

/**
 * Loads the class of a room type.
 * @throws Error when the name is malformed, the module is missing, or it does not export a ZoneRoom
 */
export async function loadRoomType(name: string): Promise<ZoneRoomClass> {
  if (name === DEFAULT_ROOM_TYPE) return ZoneRoom;
  if (!ROOM_TYPE_NAME.test(name)) throw new Error(`room type "${name}" is not a valid name`);
  let module: { default?: unknown };
  try {
    // A template import: the server bundle includes every module of rooms/types/.
    module = await import(`./types/${name}.ts`);
  } catch (error) {
    throw new Error(`room type "${name}" not found: add server/src/rooms/types/${name}.ts (${(error as Error).message})`, { cause: error });
  }
  const roomClass = module.default;
  if (typeof roomClass !== "function" || !(roomClass.prototype instanceof ZoneRoom)) {
    throw new Error(`server/src/rooms/types/${name}.ts must default-export a class that extends ZoneRoom`);
  }
  return roomClass as ZoneRoomClass;
}

/** The room types a catalog uses, loaded: room type name → class. */
export async function loadRoomTypes(catalog: ZoneCatalog): Promise<Map<string, ZoneRoomClass>> {
  const types = new Map<string, ZoneRoomClass>();
  for (const zone of catalog.all()) {
    if (!types.has(zone.roomType)) types.set(zone.roomType, await loadRoomType(zone.roomType));
  }
  return types;
}
