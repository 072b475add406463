/** Presence channels every zone room listens on (they work across processes with Redis). */

/** Admin broadcasts: the message is the text to show every player. */
export const BROADCAST_CHANNEL = "oatnut:admin-broadcast";
