/**
 * The one Colyseus SDK client of the page. The game server serves this page itself, so
 * the API, the auth routes and the room WebSockets all live on the page's own origin.
 */
import { Client } from "@colyseus/sdk";

/** What @colyseus/auth returns as `user` (only what the client shows or needs). */
export interface UserData {
  id?: string;
  email?: string | null;
  anonymous?: boolean;
  [key: string]: unknown;
}

// The SDK's first type parameter describes the server's rooms; the client has no server
// types (the state's classes come from each room's handshake), so it is the SDK's default.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const client = new Client<any, UserData>(location.origin);
