/**
 * Which browser origins may talk to the server: the page's own origin, and those listed in
 * CORS_ORIGINS. One rule for HTTP (CORS headers, cross-origin writes) and WebSocket
 * upgrades, so the two cannot drift apart.
 */
import type { IncomingMessage } from "node:http";

export class OriginPolicy {
  private readonly listed: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.listed = new Set(origins.map((origin) => origin.toLowerCase()));
  }

  /** True when some foreign origin is listed (answers then depend on the request's Origin). */
  get listsAny(): boolean {
    return this.listed.size > 0;
  }

  /** True when CORS_ORIGINS lists this Origin header value. */
  isListed(origin: string | undefined): origin is string {
    return origin !== undefined && this.listed.has(origin.toLowerCase());
  }

  /**
   * May this request act on the server? Requests without an Origin come from non-browser
   * clients (the SDK in Node, bots, curl), which CORS does not concern: they are admitted
   * and stand or fall on their credentials. A browser always sends Origin on WebSocket
   * upgrades and on cross-origin writes; those must come from our own page (the Origin's
   * host is the Host the request was sent to) or from a listed origin.
   *
   * Behind a proxy that rewrites Host, our own page's Origin no longer matches Host: such
   * deployments list their public origin in CORS_ORIGINS.
   */
  admits(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return this.isListed(origin) || isSameOrigin(origin, req.headers.host);
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage are foreign
  }
}
