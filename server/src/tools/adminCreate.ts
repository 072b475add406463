/**
 * `npm run admin:create -- <email>` — gives an account the admin role, creating the
 * account first (with a generated password, printed once) if there is none. It writes to
 * the database of MONGODB_URI: the embedded in-memory engine lives inside the server
 * process and cannot be reached from here (use ADMIN_USER/ADMIN_PASSWORD there).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { Hash } from "@colyseus/auth";
import { ADMIN_ROLE } from "../admin/auth.ts";
import { PROJECT_ROOT } from "../config.ts";
import { connectDatabase, disconnectDatabase } from "../db/connection.ts";
import { Account } from "../db/models.ts";

export async function grantAdmin(email: string): Promise<{ created: boolean; password?: string }> {
  const emailKey = email.trim().toLowerCase();
  const existing = await Account.findOne({ emailKey }).lean();
  if (existing) {
    const roles = existing.roles ?? [];
    if (!roles.includes(ADMIN_ROLE)) await Account.updateOne({ _id: existing._id }, { $set: { roles: [...roles, ADMIN_ROLE] } });
    return { created: false };
  }
  const password = crypto.randomBytes(12).toString("base64url");
  await Account.create({ email: email.trim(), emailKey, password: await Hash.make(password), roles: [ADMIN_ROLE] });
  return { created: true, password };
}

async function main(): Promise<void> {
  const envFile = path.join(PROJECT_ROOT, ".env");
  if (fs.existsSync(envFile)) dotenv.config({ path: envFile, quiet: true });
  const email = process.argv[2];
  if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    console.error("usage: npm run admin:create -- <email>");
    process.exit(2);
  }
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error(
      "admin:create needs MONGODB_URI: it writes to that database. The embedded in-memory engine lives " +
        "inside the server process; there, sign in to /admin with ADMIN_USER and ADMIN_PASSWORD instead.",
    );
    process.exit(2);
  }
  await connectDatabase(uri);
  try {
    const result = await grantAdmin(email);
    if (result.created) {
      console.log(`created admin account ${email} with the password: ${result.password}`);
      console.log("sign in to /admin/monitor with this email and password.");
    } else {
      console.log(`${email} now has the admin role.`);
    }
  } finally {
    await disconnectDatabase();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
