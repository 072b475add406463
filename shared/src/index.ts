export * from "./constants.ts";
export * from "./protocol.ts";
export * from "./state.ts";
export * from "./tiled.ts";
export * from "./map.ts";
export * from "./movement.ts";
export * from "./rules.ts";
export * from "./zones/index.ts";
