/**
 * Security headers (helmet) on every express response: a Content-Security-Policy, nosniff,
 * no framing, no referrer. The game's page gets the strict policy; the Colyseus monitor and
 * playground (third-party React apps, admins only) and the Vite dev server get the few
 * extra sources they cannot work without, on their paths or in development only.
 */
import type { RequestHandler } from "express";
import helmet from "helmet";
import type { Config } from "../config.ts";

type Directives = Record<string, string[]>;

/**
 * The game page. Everything comes from our origin: the built client's scripts, styles and
 * images are files we serve, the API and the WebSockets are on the page's own host
 * ('self' covers ws: and wss: to it in CSP Level 3 browsers). PixiJS needs no eval: the
 * client imports `pixi.js/unsafe-eval`, which swaps Pixi's generated shader-sync
 * functions for plain ones.
 */
const GAME: Directives = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "img-src": ["'self'"],
  "font-src": ["'self'"],
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

/**
 * Development through Vite: its client injects each CSS module as a <style> element, and
 * hot reload talks over its own WebSocket port (24678), which 'self' does not cover.
 */
const VITE_DEV: Directives = {
  ...GAME,
  "style-src": ["'self'", "'unsafe-inline'"],
  "connect-src": ["'self'", "ws:", "wss:"],
};

/**
 * The Colyseus monitor and playground (third-party React apps, behind admin
 * authentication): their CSS-in-JS injects <style> elements ('unsafe-inline' styles), the
 * monitor loads Google's Material Icons stylesheet and font, and the playground's logo is a
 * data: SVG. Scripts stay 'self' only: neither needed eval in the browser tests.
 */
const ADMIN_TOOLS: Directives = {
  ...GAME,
  "style-src": ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com"],
  "font-src": ["'self'", "https://fonts.gstatic.com"],
  "img-src": ["'self'", "data:"],
};

/** Paths the admin tools' policy applies to. */
const ADMIN_TOOL_PREFIXES = ["/admin/monitor", "/admin/playground"];

function headers(directives: Directives): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // TLS is terminated in front of the server (if at all): HSTS for the public host is
    // the proxy's decision, not something to pin from a server that may run on plain HTTP.
    strictTransportSecurity: false,
  }) as RequestHandler;
}

/**
 * The security-headers middleware for every route.
 * @param config whether the client is served by the Vite dev server
 */
export function securityHeaders(config: Pick<Config, "clientDevServer">): RequestHandler {
  const game = headers(config.clientDevServer ? VITE_DEV : GAME);
  const adminTools = headers(ADMIN_TOOLS);
  return (req, res, next) => {
    const adminTool = ADMIN_TOOL_PREFIXES.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`));
    (adminTool ? adminTools : game)(req, res, next);
  };
}
