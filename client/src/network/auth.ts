/**
 * Account calls. The SDK's `client.auth` keeps the JWT: it loads it from localStorage
 * (key "colyseus-auth-token") when the client is created, stores it there after every
 * successful sign-in/up, removes it on signOut, and `client.http` sends it as
 * `Authorization: Bearer <token>` on every request (and the SDK on every room join).
 */
import { client, type UserData } from "./client.ts";
import { httpStatus, isAccountGone } from "./errors.ts";

export type SessionCheck =
  | { status: "signed-in"; user: UserData }
  | { status: "signed-out" }
  /** The token is good, but the server no longer has its account (deleted, or lost). */
  | { status: "account-gone" }
  /** The token may still be good but the server could not be asked. */
  | { status: "unreachable"; error: unknown };

/**
 * Checks the stored token, if any, against the server. Forgets a token it rejects, and
 * says whether it was rejected because its account no longer exists.
 */
export async function restoreSession(): Promise<SessionCheck> {
  if (!client.auth.token) return { status: "signed-out" };
  try {
    const { user } = await client.auth.getUserData();
    return { status: "signed-in", user };
  } catch (error) {
    const status = httpStatus(error);
    if (status === null || status >= 500) return { status: "unreachable", error };
    await client.auth.signOut();
    return isAccountGone(error) ? { status: "account-gone" } : { status: "signed-out" };
  }
}

export async function signUp(email: string, password: string): Promise<UserData> {
  return (await client.auth.registerWithEmailAndPassword(email, password)).user;
}

export async function signIn(email: string, password: string): Promise<UserData> {
  return (await client.auth.signInWithEmailAndPassword(email, password)).user;
}

export async function signInAsGuest(): Promise<UserData> {
  return (await client.auth.signInAnonymously()).user;
}

/** Forgets the token (the SDK removes it from localStorage). */
export async function signOut(): Promise<void> {
  await client.auth.signOut();
}
