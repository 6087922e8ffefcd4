import { z } from 'zod';
import { NotificationJobSchema } from './record-schemas.js';
import type { NotificationJob } from './store.js';

/*
 * Jobs live in Redis as hashes, not JSON, so the Lua scripts that claim and
 * finish them change single fields without decoding and re-encoding a
 * document. A null field is an absent one (HDEL); numbers are decimal strings.
 */

const NumberText = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'a decimal number')
  .transform(Number);

const JobHashSchema = z
  .object({
    id: z.string(),
    appointmentId: z.string(),
    kind: z.string(),
    channel: z.string(),
    generation: NumberText,
    status: z.string(),
    dueAt: NumberText,
    nextAttemptAt: NumberText,
    attempts: NumberText,
    lastError: z.string().optional(),
    sentAt: NumberText.optional(),
    handedAt: NumberText.optional(),
    leaseOwner: z.string().optional(),
    leaseUntil: NumberText,
    createdAt: NumberText,
  })
  .transform((h) => ({
    ...h,
    lastError: h.lastError ?? null,
    sentAt: h.sentAt ?? null,
    handedAt: h.handedAt ?? null,
    leaseOwner: h.leaseOwner ?? null,
  }));

/** Field/value pairs for HSET, leaving out the null fields. */
export function jobToHash(job: NotificationJob): string[] {
  const pairs: string[] = [];
  for (const [field, value] of Object.entries(job)) {
    if (value !== null) pairs.push(field, String(value));
  }
  return pairs;
}

/** A job from HGETALL (an object) or from a script (a flat field/value list); null if the hash is missing. */
export function jobFromHash(raw: unknown, where: string): NotificationJob | null {
  const hash = Array.isArray(raw) ? pairsToObject(raw, where) : raw;
  if (hash === null || (typeof hash === 'object' && Object.keys(hash).length === 0)) return null;
  // Two steps: the hash's encoding first, then the same record schema the SQLite store uses.
  const decoded = JobHashSchema.safeParse(hash);
  const result = decoded.success ? NotificationJobSchema.safeParse(decoded.data) : decoded;
  if (!result.success) throw new Error(`store: ${where} does not match its schema: ${result.error.message}`);
  return result.data;
}

const FlatPairsSchema = z.array(z.string());

function pairsToObject(raw: unknown[], where: string): Record<string, string> {
  const flat = FlatPairsSchema.safeParse(raw);
  if (!flat.success || flat.data.length % 2 !== 0)
    throw new Error(`store: ${where} returned a malformed hash`);
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.data.length; i += 2) {
    const field = flat.data[i];
    const value = flat.data[i + 1];
    if (field !== undefined && value !== undefined) out[field] = value;
  }
  return out;
}
