/**
 * Accounts through @colyseus/auth: its email/password and guest endpoints, backed by the
 * mongoose `Account` model. Tokens carry only the account id, guest flag and roles.
 */
import { auth, JWT } from "@colyseus/auth";
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

/** Configures @colyseus/auth: the JWT secret and the callbacks backed by MongoDB. */
export function configureAuth(jwtSecret: string): void {
  JWT.settings.secret = jwtSecret;
  Object.assign(auth.settings, {
    onFindUserByEmail: async (email: string) => {
      const account = await Account.findOne({ emailKey: email.trim().toLowerCase() }).select("+password").lean();
      return account ? toUser(account) : null;
    },
    onRegisterWithEmailAndPassword: async (email: string, passwordHash: string) => {
      try {
        const account = await Account.create({ email: email.trim(), emailKey: email.trim().toLowerCase(), password: passwordHash });
        return toUser(account);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new Error("email_already_in_use");
        throw error;
      }
    },
    onRegisterAnonymously: async () => toUser(await Account.create({ anonymous: true })),
    onGenerateToken: async (user: AccountLike) => {
      const payload: TokenPayload = {
        id: String(user.id),
        anonymous: Boolean(user.anonymous),
        roles: user.roles ?? [],
        ...(user.email ? { email: user.email } : {}),
      };
      await Account.updateOne({ _id: payload.id }, { $set: { lastLoginAt: new Date() } });
      return JWT.sign(payload, { expiresIn: TOKEN_LIFETIME });
    },
    onParseToken: (token: TokenPayload) => ({
      id: token.id, email: token.email, anonymous: token.anonymous, roles: token.roles,
    }),
  });
}

/** The verified token of a request that passed `auth.middleware()`. */
export function requestAccount(req: Request): TokenPayload {
  return (req as Request & { auth: TokenPayload }).auth;
}
