import { z } from 'zod';
import { NotificationKindSchema, NotificationStatusSchema, endsAt } from './record-schemas.js';
import type { AppointmentRecord, NotificationJob, OutboxMessage } from './store.js';

/*
 * Shapes of the rows the embedded store reads back. better-sqlite3 types every
 * row as unknown; these parse it (a file may have been written by another
 * version or edited by hand) and map columns to the interface's fields.
 */

/** A value better-sqlite3 binds. */
export type Param = string | number | null;

export const RecordRowSchema = z.object({ record: z.string() });
export const IdRowSchema = z.object({ id: z.string() });
export const PinRowSchema = z.object({ appointment_id: z.string() });
export const AuditRowSchema = z.object({
  appointment_id: z.string(),
  at: z.number(),
  type: z.string(),
  actor: z.string(),
  detail: z.string(),
});

export const JOB_COLUMNS =
  'id, appointment_id, kind, channel, generation, status, due_at, next_attempt_at, attempts, last_error, sent_at, handed_at, lease_owner, lease_until, created_at';

export const JobRowSchema = z
  .object({
    id: z.string(),
    appointment_id: z.string(),
    kind: NotificationKindSchema,
    channel: z.enum(['email', 'sms']),
    generation: z.number().int().min(0),
    status: NotificationStatusSchema,
    due_at: z.number(),
    next_attempt_at: z.number(),
    attempts: z.number().int().min(0),
    last_error: z.string().nullable(),
    sent_at: z.number().nullable(),
    handed_at: z.number().nullable(),
    lease_owner: z.string().nullable(),
    lease_until: z.number(),
    created_at: z.number(),
  })
  .transform((row): NotificationJob => ({
    id: row.id,
    appointmentId: row.appointment_id,
    kind: row.kind,
    channel: row.channel,
    generation: row.generation,
    status: row.status,
    dueAt: row.due_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at,
    handedAt: row.handed_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
  }));

/** Named parameters for an INSERT into jobs (better-sqlite3 binds `@name` from an object). */
export function jobParams(job: NotificationJob): Record<string, string | number | null> {
  return {
    id: job.id,
    appointment_id: job.appointmentId,
    kind: job.kind,
    channel: job.channel,
    generation: job.generation,
    status: job.status,
    due_at: job.dueAt,
    next_attempt_at: job.nextAttemptAt,
    attempts: job.attempts,
    last_error: job.lastError,
    sent_at: job.sentAt,
    handed_at: job.handedAt,
    lease_owner: job.leaseOwner,
    lease_until: job.leaseUntil,
    created_at: job.createdAt,
  };
}

export const OUTBOX_COLUMNS = 'id, appointment_id, agent_id, channel, recipient, subject, text, created_at';

export const OutboxRowSchema = z
  .object({
    id: z.string(),
    appointment_id: z.string(),
    agent_id: z.string(),
    channel: z.enum(['email', 'sms']),
    recipient: z.string(),
    subject: z.string().nullable(),
    text: z.string(),
    created_at: z.number(),
  })
  .transform((row): OutboxMessage => ({
    id: row.id,
    appointmentId: row.appointment_id,
    agentId: row.agent_id,
    channel: row.channel,
    to: row.recipient,
    subject: row.subject,
    text: row.text,
    createdAt: row.created_at,
  }));

/** Column values in INSERT order: id, room_id, agent_id, starts_at, ends_at, status, erased, version, record. */
export function appointmentColumns(a: AppointmentRecord): Param[] {
  return [
    a.id,
    a.roomId,
    a.agentId,
    a.startsAt,
    endsAt(a),
    a.status,
    a.personalDataErasedAt === null ? 0 : 1,
    a.version,
    JSON.stringify(a),
  ];
}

/** `WHERE a = ? AND b = ?` over the conditions whose value is given. */
export function whereOf(conditions: [sql: string, value: Param | undefined][]): {
  clause: string;
  params: Param[];
} {
  const given = conditions.filter((c): c is [string, Param] => c[1] !== undefined);
  return {
    clause: given.length > 0 ? `WHERE ${given.map(([sql]) => sql).join(' AND ')}` : '',
    params: given.map(([, value]) => value),
  };
}

export const IdempotencyRowSchema = z.object({ appointment_id: z.string(), fingerprint: z.string() });
