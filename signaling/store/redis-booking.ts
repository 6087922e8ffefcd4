import type { Redis } from 'ioredis';
import { z } from 'zod';
import { StoreUnavailableError } from '../errors.js';
import {
  AppointmentRecordSchema,
  AuditEventSchema,
  NotificationJobSchema,
  RoomRecordSchema,
  claimableAt,
  endsAt,
  pinUntil,
} from './record-schemas.js';
import { jobToHash } from './redis-codec.js';
import { BOOK } from './redis-scripts.js';
import type { AppointmentRecord, Booking, BookingResult } from './store.js';

/*
 * The Redis store's booking: one script (BOOK) that checks everything, then
 * writes the room, the appointment and its indexes, the PIN, the jobs, the
 * audit event and the idempotency key, and refuses to run at all past
 * `deadline` (Redis's clock).
 */

const BookReplySchema = z.union([z.tuple([z.number().int()]), z.tuple([z.literal(-5), z.string()])]);

const key = (prefix: string, ...parts: string[]): string => prefix + parts.join(':');

/** An appointment's record and index keys, in the order the appointment scripts take them. */
export function appointmentKeys(prefix: string, a: AppointmentRecord): string[] {
  return [
    key(prefix, 'appointment', a.id),
    key(prefix, 'appointment-room', a.roomId),
    key(prefix, 'appointments:by-start'),
    key(prefix, 'appointments:agent', a.agentId),
    key(prefix, 'appointments:with-personal-data'),
  ];
}

export async function bookInRedis(
  redis: Redis,
  prefix: string,
  booking: Booking,
  deadline: number,
): Promise<BookingResult> {
  const room = RoomRecordSchema.parse(booking.room);
  const a = AppointmentRecordSchema.parse(booking.appointment);
  const jobs = booking.jobs.map((job) => NotificationJobSchema.parse(job));
  const audit = AuditEventSchema.parse(booking.audit);
  const idem = booking.idempotency;
  const keys = [
    key(prefix, 'pin', a.pin),
    key(prefix, 'room', room.id),
    ...appointmentKeys(prefix, a),
    key(prefix, 'idempotency', idem?.key ?? '-'),
    key(prefix, 'audit', a.id),
    key(prefix, 'jobs:due'),
    key(prefix, 'jobs:appointment', a.id),
    ...jobs.map((job) => key(prefix, 'job', job.id)),
  ];
  const jobsJson = JSON.stringify(
    jobs.map((job) => ({
      id: job.id,
      createdAt: String(job.createdAt),
      score: job.status === 'pending' ? String(claimableAt(job)) : '',
      hash: jobToHash(job),
    })),
  );
  const reply = BookReplySchema.parse(
    await BOOK.run(redis, keys, [
      deadline,
      a.id,
      pinUntil(booking.pinUntil),
      JSON.stringify(room),
      JSON.stringify(a),
      a.startsAt,
      endsAt(a),
      a.personalDataErasedAt === null ? '0' : '1',
      idem ? `${a.id} ${idem.fingerprint}` : '',
      idem?.ttlMs ?? 0,
      JSON.stringify(audit),
      jobsJson,
    ]),
  );
  const [code] = reply;
  if (reply.length === 2) {
    const [appointmentId = '', fingerprint = ''] = reply[1].split(' ');
    return { status: 'replayed', appointmentId, fingerprint };
  }
  if (code === 1) return { status: 'booked' };
  if (code === -3) return { status: 'pin-taken' };
  if (code === -4)
    throw new StoreUnavailableError('Redis answered after the booking deadline; nothing was booked');
  throw new Error(`room ${room.id} or appointment ${a.id} already exists`);
}
