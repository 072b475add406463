/**
 * Mongoose models. Kept inside the subset of MongoDB that behaves the same on a real
 * mongod and on the embedded jongodb engine: no implicit collection creation (the
 * `create` command), no `$push` (arrays are `$set` whole), no `dropDatabase`.
 * Case-insensitive uniqueness is a unique index on a lower-cased copy of the field.
 */
import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from "mongoose";

mongoose.set("autoCreate", false);
mongoose.set("strictQuery", true);

const accountSchema = new Schema(
  {
    /** As typed at sign-up; absent for guests. */
    email: { type: String },
    /** Lower-cased email: the unique, case-insensitive key. */
    emailKey: { type: String },
    /** scrypt hash from @colyseus/auth's `Hash` (`<algo>$<salt>$<hash>`); absent for guests. */
    password: { type: String, select: false },
    anonymous: { type: Boolean, default: false },
    roles: { type: [String], default: [] },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, autoCreate: false },
);
accountSchema.index({ emailKey: 1 }, { unique: true, sparse: true });

export type AccountDoc = HydratedDocument<InferSchemaType<typeof accountSchema>>;
export const Account = mongoose.model("Account", accountSchema);

const characterSchema = new Schema(
  {
    accountId: { type: Schema.Types.ObjectId, required: true, index: true },
    name: { type: String, required: true },
    /** Lower-cased name: the unique, case-insensitive key. */
    nameKey: { type: String, required: true },
    zone: { type: String, required: true },
    x: { type: Number, required: true },
    y: { type: Number, required: true },
    level: { type: Number, default: 1, min: 1 },
    /** XP earned within the current level. */
    xp: { type: Number, default: 0, min: 0 },
    /** Hit points when last saved; null for a new character (full health). */
    hp: { type: Number, default: null },
    /** One stack per slot, in slot order (the whole array is `$set` on each save). */
    inventory: {
      type: [new Schema({ item: { type: String, required: true }, count: { type: Number, required: true, min: 1 } }, { _id: false })],
      default: [],
    },
    lastPlayedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: true }, autoCreate: false },
);
characterSchema.index({ nameKey: 1 }, { unique: true });

export type CharacterDoc = HydratedDocument<InferSchemaType<typeof characterSchema>>;
export const Character = mongoose.model("Character", characterSchema);

/** True for MongoDB's duplicate-key error (a unique index refused the write). */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: number }).code === 11000;
}
