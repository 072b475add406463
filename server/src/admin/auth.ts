/**
 * Who may use /admin: the operator of ADMIN_USER/ADMIN_PASSWORD, or any account with the
 * `admin` role (granted by `npm run admin:create -- <email>`) — by HTTP basic auth with
 * its email and password, or with its sign-in token (Bearer).
 */
import crypto from "node:crypto";
import { JWT } from "@colyseus/auth";
import { basicAuth } from "@colyseus/core";
import type { RequestHandler } from "express";
import { isObjectIdHex, verifyPassword } from "../auth/accounts.ts";
import type { Config } from "../config.ts";
import { Account } from "../db/models.ts";
import { logger } from "../logger.ts";

export const ADMIN_ROLE = "admin";
const REALM = "OatNut admin";

function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => crypto.createHash("sha256").update(value).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

/** Checks basic-auth credentials: the operator's, or an admin account's email and password. */
export async function validateAdminCredentials(
  config: Pick<Config, "adminUser" | "adminPassword">,
  username: string,
  password: string,
): Promise<boolean> {
  if (config.adminUser && config.adminPassword) {
    if (sameSecret(username, config.adminUser) && sameSecret(password, config.adminPassword)) return true;
  }
  if (!username.includes("@")) return false;
  const account = await Account.findOne({ emailKey: username.trim().toLowerCase() }).select("+password").lean();
  // Verified whatever the account (or its absence), so the answer time does not tell
  // which emails have accounts, or admin ones.
  const passwordMatches = await verifyPassword(password, account?.password);
  return passwordMatches && (account?.roles ?? []).includes(ADMIN_ROLE);
}

/** The guard of the Colyseus monitor (a better-call middleware). */
export function monitorGuard(config: Pick<Config, "adminUser" | "adminPassword">) {
  return basicAuth({ realm: REALM, validate: (username, password) => validateAdminCredentials(config, username, password) });
}

function parseBasic(header: string): { username: string; password: string } | null {
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The guard of the admin API (express): basic auth as above, or a Bearer token of an admin account. */
export function adminGuard(config: Pick<Config, "adminUser" | "adminPassword">): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? "";
    const refuse = () => {
      res.status(401).set("WWW-Authenticate", `Basic realm="${REALM}", charset="UTF-8"`).json({ error: "admin authentication required" });
    };
    const check = async (): Promise<boolean> => {
      if (/^basic /i.test(header)) {
        const credentials = parseBasic(header);
        return Boolean(credentials && (await validateAdminCredentials(config, credentials.username, credentials.password)));
      }
      if (/^bearer /i.test(header)) {
        try {
          const payload = await JWT.verify<{ id?: unknown }>(header.slice(7));
          if (!isObjectIdHex(payload.id)) return false;
          const account = await Account.findById(payload.id).lean();
          return (account?.roles ?? []).includes(ADMIN_ROLE);
        } catch {
          return false;
        }
      }
      return false;
    };
    check().then(
      (ok) => (ok ? next() : refuse()),
      (error) => {
        logger.error("admin authentication failed", { error });
        refuse();
      },
    );
  };
}
