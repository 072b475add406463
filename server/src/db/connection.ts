import mongoose from "mongoose";
import { Account, Character } from "./models.ts";

/**
 * Connects mongoose and makes sure every model's indexes exist.
 * @param options.monitorCommands emit the driver's command events (an engine that keeps
 *   snapshots follows the writes through them)
 */
export async function connectDatabase(uri: string, options: { monitorCommands?: boolean } = {}): Promise<void> {
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false, monitorCommands: options.monitorCommands ?? false });
  await Promise.all([Account.createIndexes(), Character.createIndexes()]);
}

/** Whether the database answers a ping right now. */
export async function databaseIsReachable(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  try {
    await Promise.race([
      db.admin().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("ping timeout")), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
