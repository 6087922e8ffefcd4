import Database from 'better-sqlite3';
import type { z } from 'zod';
import {
  AppointmentRecordSchema,
  AuditEventSchema,
  NotificationJobSchema,
  RoomRecordSchema,
  pinUntil,
} from './record-schemas.js';
import { IdempotencyRowSchema, appointmentColumns, jobParams, type Param } from './sqlite-rows.js';
import type { Booking, BookingResult } from './store.js';

/*
 * The embedded store's booking: every check and every write of a booking in
 * one BEGIN IMMEDIATE transaction, so any failure (a held PIN, an existing
 * room, a constraint) leaves nothing behind. Prepared per call: bookings are
 * rare next to the store's other statements.
 */

/** Writes `booking` whole, or reports why not (a held PIN, a replayed key); throws if the room or appointment exists. */
export function bookInSqlite(db: Database.Database, booking: Booking): BookingResult {
  const { run, get } = runner(db);
  const room = RoomRecordSchema.parse(booking.room);
  const appointment = AppointmentRecordSchema.parse(booking.appointment);
  const jobs = booking.jobs.map((job) => NotificationJobSchema.parse(job));
  const audit = AuditEventSchema.parse(booking.audit);
  const idem = booking.idempotency;
  const now = Date.now();
  // BEGIN IMMEDIATE: every check and every write under one write lock; any throw rolls all back.
  const write = db.transaction((): BookingResult => {
    if (idem) {
      run('DELETE FROM idempotency WHERE expires_at <= ?', [now]);
      const held = get(
        IdempotencyRowSchema,
        'SELECT appointment_id, fingerprint FROM idempotency WHERE key = ?',
        [idem.key],
      );
      if (held) {
        return { status: 'replayed', appointmentId: held.appointment_id, fingerprint: held.fingerprint };
      }
    }
    const pin = run(
      `INSERT INTO pins (pin, appointment_id, until) VALUES (?, ?, ?)
       ON CONFLICT (pin) DO UPDATE SET appointment_id = excluded.appointment_id, until = excluded.until
       WHERE pins.until <= ?`,
      [appointment.pin, appointment.id, pinUntil(booking.pinUntil), now],
    );
    if (pin.changes === 0) return { status: 'pin-taken' };
    run('INSERT INTO rooms (id, record) VALUES (?, ?)', [room.id, JSON.stringify(room)]);
    run(
      `INSERT INTO appointments (id, room_id, agent_id, starts_at, ends_at, status, erased, version, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      appointmentColumns(appointment),
    );
    for (const job of jobs) {
      const params = jobParams(job);
      const names = Object.keys(params);
      db.prepare(
        `INSERT INTO jobs (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`,
      ).run(params);
    }
    run('INSERT INTO audit (appointment_id, at, type, actor, detail) VALUES (?, ?, ?, ?, ?)', [
      audit.appointmentId,
      audit.at,
      audit.type,
      audit.actor,
      JSON.stringify(audit.detail),
    ]);
    if (idem) {
      run('INSERT INTO idempotency (key, appointment_id, fingerprint, expires_at) VALUES (?, ?, ?, ?)', [
        idem.key,
        appointment.id,
        idem.fingerprint,
        now + idem.ttlMs,
      ]);
    }
    return { status: 'booked' };
  });
  try {
    return write.immediate();
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
      // The same message as Redis gives; the transaction wrote nothing.
      throw new Error(`room ${room.id} or appointment ${appointment.id} already exists`, { cause: error });
    }
    throw error;
  }
}

function runner(db: Database.Database) {
  return {
    run: (sql: string, params: Param[]): Database.RunResult => db.prepare(sql).run(...params),
    get: <T>(schema: z.ZodType<T>, sql: string, params: Param[]): T | null => {
      const row = db.prepare(sql).get(...params);
      return row === undefined ? null : schema.parse(row);
    },
  };
}
