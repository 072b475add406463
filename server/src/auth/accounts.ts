/**
 * Accounts through @colyseus/auth's settings callbacks, `Hash` and `JWT`, backed by the
 * mongoose `Account` model; OatNut serves the routes itself (auth/routes.ts). Tokens carry
 * only the account id, guest flag and roles.
 */
import crypto from "node:crypto";
import { auth, Hash, JWT } from "@colyseus/auth";
import type { Request } from "express";
import { Account, isDuplicateKeyError } from "../db/models.ts";

/** What a verified token says about its bearer. */
export interface TokenPayload {
  id: string;
  email?: string;
  anonymous: boolean;
  roles: string[];
}

const TOKEN_LIFETIME = "7d";

interface AccountLike {
  _id?: unknown;
  id?: unknown;
  email?: string | null;
  anonymous?: boolean | null;
  roles?: string[] | null;
}

function toUser(account: AccountLike & { password?: string | null }) {
  return {
    id: String(account._id ?? account.id),
    email: account.email ?? undefined,
    anonymous: Boolean(account.anonymous),
    roles: account.roles ?? [],
    password: account.password ?? undefined,
  };
}

/**
 * A scrypt hash of a random password no one knows, made once at start-up: a sign-in for an
 * unknown email is verified against it, so it costs the same scrypt as a wrong password
 * for a real account and its answer comes just as late.
 */
let dummyHash: Promise<string> | undefined;
let dummyVerifications = 0;

/** Stores the time of a sign-in with email and password (sign-ups store it as they create the account). */
export async function recordSignIn(accountId: string): Promise<void> {
  await Account.updateOne({ _id: accountId }, { $set: { lastLoginAt: new Date() } });
}

/** Configures @colyseus/auth: the JWT secret and the callbacks backed by MongoDB. */
export function configureAuth(jwtSecret: string): void {
  JWT.settings.secret = jwtSecret;
  dummyHash ??= Hash.make(crypto.randomBytes(32).toString("hex"));
  Object.assign(auth.settings, {
    onFindUserByEmail: async (email: string) => {
      const account = await Account.findOne({ emailKey: email.trim().toLowerCase() }).select("+password").lean();
      return account ? toUser(account) : null;
    },
    onRegisterWithEmailAndPassword: async (email: string, passwordHash: string) => {
      try {
        const account = await Account.create({
          email: email.trim(),
          emailKey: email.trim().toLowerCase(),
          password: passwordHash,
          lastLoginAt: new Date(),
        });
        return toUser(account);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new Error("email_already_in_use", { cause: error });
        throw error;
      }
    },
    // An account is created with its sign-in time: a sign-up is one write.
    onRegisterAnonymously: async () => toUser(await Account.create({ anonymous: true, lastLoginAt: new Date() })),
    onGenerateToken: async (user: AccountLike) => {
      const payload: TokenPayload = {
        id: String(user.id),
        anonymous: Boolean(user.anonymous),
        roles: user.roles ?? [],
        ...(user.email ? { email: user.email } : {}),
      };
      return JWT.sign(payload, { expiresIn: TOKEN_LIFETIME });
    },
    onParseToken: (token: TokenPayload) => ({
      id: token.id,
      email: token.email,
      anonymous: token.anonymous,
      roles: token.roles,
    }),
  });
}

/**
 * Checks a password against an account's stored hash. Without a hash (no such account,
 * or a guest) the same work is done against a hash nobody has the password of, and the
 * answer is false.
 */
export async function verifyPassword(password: string, storedHash: string | null | undefined): Promise<boolean> {
  if (storedHash) return Hash.verify(password, storedHash);
  dummyVerifications++;
  dummyHash ??= Hash.make(crypto.randomBytes(32).toString("hex"));
  await Hash.verify(password, await dummyHash);
  return false;
}

/** How many sign-ins were verified against the dummy hash in this process (tests read it). */
export function dummyVerificationCount(): number {
  return dummyVerifications;
}

/**
 * True for a MongoDB ObjectId as a 24-digit hex string, the only form an account or
 * character id takes in tokens and URLs. Stricter than `mongoose.isValidObjectId`, which
 * also admits any 12-character string and numbers.
 */
export function isObjectIdHex(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{24}$/i.test(value);
}

/** The verified token of a request that passed `auth.middleware()`. */
export function requestAccount(req: Request): TokenPayload {
  return (req as Request & { auth: TokenPayload }).auth;
}
