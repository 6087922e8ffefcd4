import { z } from 'zod';
import {
  ParticipantKindSchema,
  PeerIdSchema,
  PeerStateSchema,
  RoleSchema,
  RoomIdSchema,
} from '../protocol/index.js';
import type { MemberRecord, RoomRecord } from './room-store.js';
import type { AppointmentRecord, AuditEvent, NotificationJob, OutboxMessage } from './store.js';

/*
 * Runtime shapes of what the stores keep. Both implementations parse every
 * record they read back (a file or a Redis shared with other processes is a
 * boundary, like the wire) and every record they write (a NaN time would
 * corrupt an index silently). Each schema is typed against the interface, so
 * a field added to store.ts without its schema fails to compile.
 */

/** Epoch milliseconds: finite, so it can score a sorted set or sit in an INTEGER column. */
const Time = z.number();
const Count = z.number().int().min(0);
const ChannelSchema = z.enum(['email', 'sms']);

export const RoomRecordSchema: z.ZodType<RoomRecord> = z.object({
  id: RoomIdSchema,
  passwordDigest: z.string(),
  title: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});

export const MemberRecordSchema: z.ZodType<MemberRecord> = z.object({
  roomId: RoomIdSchema,
  peerId: PeerIdSchema,
  displayName: z.string(),
  role: RoleSchema,
  kind: ParticipantKindSchema,
  state: PeerStateSchema,
  resumeDigest: z.string(),
  appointmentId: z.string().nullable(),
  updatedAt: z.number(),
});

export const AppointmentRecordSchema: z.ZodType<AppointmentRecord> = z.object({
  id: z.string().min(1),
  roomId: RoomIdSchema,
  agentId: z.string(),
  agentName: z.string(),
  startsAt: Time,
  durationMinutes: z.number().min(0),
  timeZone: z.string(),
  locale: z.enum(['fr', 'en']),
  citizen: z.object({
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  channels: z.array(ChannelSchema),
  note: z.string().nullable(),
  // Records written before the field existed have none: no reference shown.
  citizenReference: z.string().nullable().default(null),
  status: z.enum(['scheduled', 'open', 'in_progress', 'ended', 'cancelled', 'no_show']),
  pin: z.string(),
  passwordSealed: z.string(),
  createdAt: Time,
  updatedAt: Time,
  personalDataErasedAt: Time.nullable(),
  version: z.number().int(),
});

export const NotificationKindSchema = z.enum(['invitation', 'reminder', 'rescheduled', 'cancelled']);
export const NotificationStatusSchema = z.enum(['pending', 'sent', 'failed', 'skipped']);

export const NotificationJobSchema: z.ZodType<NotificationJob> = z.object({
  id: z.string().min(1),
  appointmentId: z.string(),
  kind: NotificationKindSchema,
  channel: ChannelSchema,
  generation: Count,
  status: NotificationStatusSchema,
  dueAt: Time,
  nextAttemptAt: Time,
  attempts: Count,
  lastError: z.string().nullable(),
  sentAt: Time.nullable(),
  handedAt: Time.nullable(),
  leaseOwner: z.string().nullable(),
  leaseUntil: Time,
  createdAt: Time,
});

export const AuditDetailSchema: z.ZodType<AuditEvent['detail']> = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

export const AuditEventSchema: z.ZodType<AuditEvent> = z.object({
  appointmentId: z.string(),
  at: Time,
  type: z.string(),
  actor: z.string(),
  detail: AuditDetailSchema,
});

export const OutboxMessageSchema: z.ZodType<OutboxMessage> = z.object({
  id: z.string().min(1),
  appointmentId: z.string(),
  agentId: z.string(),
  channel: ChannelSchema,
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  createdAt: Time,
});

/** Parses JSON text read back from storage; a corrupt row is an internal error, with the key to find it. */
export function parseStored<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`store: ${where} holds invalid JSON`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`store: ${where} does not match its schema: ${result.error.message}`);
  return result.data;
}

/** When an appointment is over, for retention: its start plus its duration. */
export function endsAt(record: AppointmentRecord): number {
  return record.startsAt + record.durationMinutes * 60_000;
}

/**
 * The moment a pending job can next be claimed: not before its next attempt,
 * nor while someone holds its lease. dueJobIds lists by this, so jobs being
 * sent right now never crowd out claimable ones under the limit.
 */
export function claimableAt(job: Pick<NotificationJob, 'nextAttemptAt' | 'leaseUntil'>): number {
  return Math.max(job.nextAttemptAt, job.leaseUntil);
}

/** A listing's limit, checked once for both stores (a negative LIMIT means "all" to SQLite). */
export function limitOf(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0)
    throw new Error(`store: limit must be a non-negative integer, got ${limit}`);
  return limit;
}

/** A PIN's `until`, checked for both stores: Redis's PXAT takes a positive integer only. */
export function pinUntil(until: number): number {
  if (!Number.isSafeInteger(until) || until <= 0)
    throw new Error(`store: until must be epoch milliseconds, got ${until}`);
  return until;
}
