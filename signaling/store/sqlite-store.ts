import Database from 'better-sqlite3';
import type { z } from 'zod';
import type { PeerId, RoomId } from '../protocol/index.js';
import {
  AppointmentRecordSchema,
  AuditDetailSchema,
  AuditEventSchema,
  MemberRecordSchema,
  NotificationJobSchema,
  OutboxMessageSchema,
  RoomRecordSchema,
  limitOf,
  parseStored,
  pinUntil,
} from './record-schemas.js';
import type { MemberRecord, RoomRecord } from './room-store.js';
import { bookInSqlite } from './sqlite-booking.js';
import { migrate } from './sqlite-schema.js';
import {
  AuditRowSchema,
  IdRowSchema,
  JOB_COLUMNS,
  JobRowSchema,
  OUTBOX_COLUMNS,
  OutboxRowSchema,
  PinRowSchema,
  RecordRowSchema,
  appointmentColumns,
  jobParams,
  whereOf,
  type Param,
} from './sqlite-rows.js';
import type {
  AppointmentFilter,
  AppointmentRecord,
  AuditEvent,
  Booking,
  BookingResult,
  JobOutcome,
  NotificationJob,
  NotificationKind,
  OutboxMessage,
  Store,
} from './store.js';

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The embedded store: one SQLite file under DATA_DIR (WAL, so readers never
 * wait for the writer). Several processes may open the same file: every
 * check-then-write is either one statement or a BEGIN IMMEDIATE transaction.
 * better-sqlite3 is synchronous; the methods are async only to share the
 * interface with Redis (and so errors reach callers as rejections).
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #closed = false;

  /** Opens (creating and migrating if needed) the store at `filename`; `:memory:` for a throwaway one. */
  static open(filename: string): SqliteStore {
    return new SqliteStore(filename);
  }

  private constructor(filename: string) {
    this.#db = new Database(filename);
    try {
      this.#db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.#db.pragma('journal_mode = WAL');
      // With WAL, NORMAL loses at most the last commits on power loss, never consistency.
      this.#db.pragma('synchronous = NORMAL');
      // Erased personal data is overwritten with zeros, not left in free pages of the file.
      this.#db.pragma('secure_delete = ON');
      migrate(this.#db, filename);
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  // Bookings

  async book(booking: Booking): Promise<BookingResult> {
    return bookInSqlite(this.#db, booking);
  }

  // Rooms

  async createRoom(record: RoomRecord): Promise<void> {
    const room = RoomRecordSchema.parse(record);
    const result = this.#run('INSERT INTO rooms (id, record) VALUES (?, ?) ON CONFLICT (id) DO NOTHING', [
      room.id,
      JSON.stringify(room),
    ]);
    if (result.changes === 0) throw new Error(`room ${room.id} already exists`);
  }

  async getRoom(id: RoomId): Promise<RoomRecord | null> {
    const row = this.#get(RecordRowSchema, 'SELECT record FROM rooms WHERE id = ?', [id]);
    return row ? parseStored(RoomRecordSchema, row.record, `room ${id}`) : null;
  }

  async deleteRoom(id: RoomId): Promise<void> {
    this.#run('DELETE FROM rooms WHERE id = ?', [id]);
  }

  // Members of live rooms

  async saveMember(record: MemberRecord): Promise<void> {
    const member = MemberRecordSchema.parse(record);
    this.#run(
      `INSERT INTO members (room_id, peer_id, record) VALUES (?, ?, ?)
       ON CONFLICT (room_id, peer_id) DO UPDATE SET record = excluded.record`,
      [member.roomId, member.peerId, JSON.stringify(member)],
    );
  }

  async getMember(roomId: RoomId, peerId: PeerId): Promise<MemberRecord | null> {
    const row = this.#get(RecordRowSchema, 'SELECT record FROM members WHERE room_id = ? AND peer_id = ?', [
      roomId,
      peerId,
    ]);
    return row ? parseStored(MemberRecordSchema, row.record, `member ${peerId}`) : null;
  }

  async deleteMember(roomId: RoomId, peerId: PeerId): Promise<void> {
    this.#run('DELETE FROM members WHERE room_id = ? AND peer_id = ?', [roomId, peerId]);
  }

  async deleteMembers(roomId: RoomId): Promise<void> {
    this.#run('DELETE FROM members WHERE room_id = ?', [roomId]);
  }

  // Appointments

  async insertAppointment(record: AppointmentRecord): Promise<void> {
    const appointment = AppointmentRecordSchema.parse(record);
    // One appointment per room: getAppointmentByRoom must have one answer.
    const result = this.#run(
      `INSERT INTO appointments (id, room_id, agent_id, starts_at, ends_at, status, erased, version, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      appointmentColumns(appointment),
    );
    if (result.changes === 0) {
      throw new Error(`appointment ${appointment.id} or its room ${appointment.roomId} already exists`);
    }
  }

  async getAppointment(id: string): Promise<AppointmentRecord | null> {
    return this.#appointment('SELECT record FROM appointments WHERE id = ?', id);
  }

  async getAppointmentByRoom(roomId: RoomId): Promise<AppointmentRecord | null> {
    return this.#appointment('SELECT record FROM appointments WHERE room_id = ?', roomId);
  }

  async updateAppointment(record: AppointmentRecord, expectedVersion: number): Promise<boolean> {
    const appointment = AppointmentRecordSchema.parse(record);
    // The version check and the write are one statement: no other writer can slip between.
    const sql = `UPDATE appointments SET room_id = ?, agent_id = ?, starts_at = ?, ends_at = ?, status = ?,
         erased = ?, version = ?, record = ?
       WHERE id = ? AND version = ?`;
    try {
      const params = [...appointmentColumns(appointment).slice(1), appointment.id, expectedVersion];
      return this.#run(sql, params).changes === 1;
    } catch (error) {
      // Moving it to a room that has its own appointment: the same message as Redis gives.
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new Error(`room ${appointment.roomId} already has an appointment`, { cause: error });
      }
      throw error;
    }
  }

  async listAppointments(filter: AppointmentFilter): Promise<AppointmentRecord[]> {
    const { clause, params } = whereOf([
      ['agent_id = ?', filter.agentId],
      ['starts_at >= ?', filter.from],
      ['starts_at < ?', filter.to],
      ['status = ?', filter.status],
    ]);
    return this.#appointments(`SELECT record FROM appointments ${clause} ORDER BY starts_at, id LIMIT ?`, [
      ...params,
      limitOf(filter.limit),
    ]);
  }

  async listEndedWithPersonalData(before: number, limit: number): Promise<AppointmentRecord[]> {
    return this.#appointments(
      'SELECT record FROM appointments WHERE erased = 0 AND ends_at < ? ORDER BY ends_at, id LIMIT ?',
      [before, limitOf(limit)],
    );
  }

  // Dial-in PINs

  async claimPin(pin: string, appointmentId: string, until: number): Promise<boolean> {
    // The interface gives no `now` here: "live" is judged by this machine's clock.
    // Taking a free or expired PIN, or re-claiming our own (a reschedule moves
    // `until`), is one upsert; a live holder's row fails the WHERE and changes nothing.
    const result = this.#run(
      `INSERT INTO pins (pin, appointment_id, until) VALUES (?, ?, ?)
       ON CONFLICT (pin) DO UPDATE SET appointment_id = excluded.appointment_id, until = excluded.until
       WHERE pins.appointment_id = excluded.appointment_id OR pins.until <= ?`,
      [pin, appointmentId, pinUntil(until), Date.now()],
    );
    return result.changes === 1;
  }

  async releasePin(pin: string, appointmentId: string): Promise<void> {
    this.#run('DELETE FROM pins WHERE pin = ? AND appointment_id = ?', [pin, appointmentId]);
  }

  async findPin(pin: string, now: number): Promise<string | null> {
    const row = this.#get(PinRowSchema, 'SELECT appointment_id FROM pins WHERE pin = ? AND until > ?', [
      pin,
      now,
    ]);
    return row?.appointment_id ?? null;
  }

  // Notification jobs

  async createJob(job: NotificationJob): Promise<boolean> {
    const params = jobParams(NotificationJobSchema.parse(job));
    const names = Object.keys(params);
    const result = this.#statement(
      `INSERT INTO jobs (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})
       ON CONFLICT (id) DO NOTHING`,
    ).run(params);
    return result.changes === 1;
  }

  async getJob(id: string): Promise<NotificationJob | null> {
    return this.#get(JobRowSchema, `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`, [id]);
  }

  async jobsForAppointment(appointmentId: string): Promise<NotificationJob[]> {
    return this.#all(
      JobRowSchema,
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE appointment_id = ? ORDER BY created_at, id`,
      [appointmentId],
    );
  }

  async dueJobIds(now: number, limit: number): Promise<string[]> {
    // Leased jobs are left out: listing them would only make claimJob fail,
    // and under the limit they would hide jobs that can be taken.
    const rows = this.#all(
      IdRowSchema,
      `SELECT id FROM jobs WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
       ORDER BY max(next_attempt_at, lease_until), id LIMIT ?`,
      [now, now, limitOf(limit)],
    );
    return rows.map((row) => row.id);
  }

  async claimJob(id: string, owner: string, now: number, leaseMs: number): Promise<NotificationJob | null> {
    // BEGIN IMMEDIATE takes the file's write lock first, so the conditional
    // UPDATE and the read-back see no other process's write in between.
    const claim = this.#db.transaction((): NotificationJob | null => {
      const result = this.#run(
        `UPDATE jobs SET lease_owner = ?, lease_until = ?
         WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? AND lease_until <= ?`,
        [owner, now + leaseMs, id, now, now],
      );
      if (result.changes === 0) return null;
      return this.#get(JobRowSchema, `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`, [id]);
    });
    return claim.immediate();
  }

  async markJobHanded(id: string, owner: string, at: number): Promise<boolean> {
    return (
      this.#run(`UPDATE jobs SET handed_at = ? WHERE id = ? AND status = 'pending' AND lease_owner = ?`, [
        at,
        id,
        owner,
      ]).changes === 1
    );
  }

  async finishJob(id: string, owner: string, outcome: JobOutcome): Promise<boolean> {
    // The lease goes with the outcome: a 'pending' job is due again at its
    // nextAttemptAt, and a second finish by the same owner finds no lease.
    const release = `lease_owner = NULL, lease_until = 0`;
    const guard = `WHERE id = ? AND status = 'pending' AND lease_owner = ?`;
    let sql: string;
    let values: Param[];
    switch (outcome.status) {
      case 'sent':
        sql = `UPDATE jobs SET status = 'sent', sent_at = ?, attempts = attempts + 1, ${release} ${guard}`;
        values = [outcome.sentAt];
        break;
      case 'pending':
        sql = `UPDATE jobs SET next_attempt_at = ?, last_error = ?, attempts = attempts + 1, handed_at = NULL, ${release} ${guard}`;
        values = [outcome.nextAttemptAt, outcome.lastError];
        break;
      case 'failed':
        sql = `UPDATE jobs SET status = 'failed', last_error = ?, attempts = attempts + 1, handed_at = NULL, ${release} ${guard}`;
        values = [outcome.lastError];
        break;
      case 'skipped':
        sql = `UPDATE jobs SET status = 'skipped', last_error = ?, ${release} ${guard}`;
        values = [outcome.lastError];
        break;
    }
    return this.#run(sql, [...values, id, owner]).changes === 1;
  }

  async skipPendingJobs(appointmentId: string, reason: string, kinds?: NotificationKind[]): Promise<number> {
    if (kinds?.length === 0) return 0;
    const kindClause = kinds ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
    // Clearing the lease makes an in-flight finishJob fail, so a send already
    // under way cannot turn a skipped job back into a pending retry.
    const result = this.#run(
      `UPDATE jobs SET status = 'skipped', last_error = ?, lease_owner = NULL, lease_until = 0
       WHERE appointment_id = ? AND status = 'pending' ${kindClause}`,
      [reason, appointmentId, ...(kinds ?? [])],
    );
    return result.changes;
  }

  async supersedePendingJobs(appointmentId: string, kinds: NotificationKind[]): Promise<number> {
    if (kinds.length === 0) return 0;
    const kindList = kinds.map(() => '?').join(', ');
    const where = `appointment_id = ? AND status = 'pending' AND kind IN (${kindList})`;
    const neverTaken = 'attempts = 0 AND lease_until = 0 AND lease_owner IS NULL';
    const dropped = this.#run(`DELETE FROM jobs WHERE ${where} AND ${neverTaken}`, [appointmentId, ...kinds]);
    const skipped = this.#run(
      `UPDATE jobs SET status = 'skipped', last_error = 'rescheduled', lease_owner = NULL, lease_until = 0
       WHERE ${where}`,
      [appointmentId, ...kinds],
    );
    return dropped.changes + skipped.changes;
  }

  // Audit trail

  async appendAudit(event: AuditEvent): Promise<void> {
    const e = AuditEventSchema.parse(event);
    this.#run('INSERT INTO audit (appointment_id, at, type, actor, detail) VALUES (?, ?, ?, ?, ?)', [
      e.appointmentId,
      e.at,
      e.type,
      e.actor,
      JSON.stringify(e.detail),
    ]);
  }

  async listAudit(appointmentId: string): Promise<AuditEvent[]> {
    const rows = this.#all(
      AuditRowSchema,
      'SELECT appointment_id, at, type, actor, detail FROM audit WHERE appointment_id = ? ORDER BY id',
      [appointmentId],
    );
    return rows.map((row) => ({
      appointmentId: row.appointment_id,
      at: row.at,
      type: row.type,
      actor: row.actor,
      detail: parseStored(AuditDetailSchema, row.detail, `an audit event of ${appointmentId}`),
    }));
  }

  // Outbox

  async addOutbox(message: OutboxMessage): Promise<void> {
    const m = OutboxMessageSchema.parse(message);
    this.#run(`INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
      m.id,
      m.appointmentId,
      m.agentId,
      m.channel,
      m.to,
      m.subject,
      m.text,
      m.createdAt,
    ]);
  }

  async listOutbox(filter: {
    agentId?: string;
    appointmentId?: string;
    limit: number;
  }): Promise<OutboxMessage[]> {
    const { clause, params } = whereOf([
      ['agent_id = ?', filter.agentId],
      ['appointment_id = ?', filter.appointmentId],
    ]);
    // Newest first: under the limit, the agent sees the latest messages, not the oldest.
    return this.#all(
      OutboxRowSchema,
      `SELECT ${OUTBOX_COLUMNS} FROM outbox ${clause} ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, limitOf(filter.limit)],
    );
  }

  async eraseOutboxPersonalData(appointmentId: string): Promise<void> {
    this.#run(`UPDATE outbox SET recipient = '', text = '' WHERE appointment_id = ?`, [appointmentId]);
    // With secure_delete the old row versions are zeroed in the main file; the
    // WAL still holds them until a checkpoint copies the pages back and truncates it.
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async ping(): Promise<void> {
    this.#statement('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }

  // Helpers

  #statement(sql: string): Database.Statement {
    if (this.#closed) throw new Error('store: the SQLite store is closed');
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, params: Param[]): Database.RunResult {
    return this.#statement(sql).run(...params);
  }

  #get<T>(schema: z.ZodType<T>, sql: string, params: Param[]): T | null {
    const row = this.#statement(sql).get(...params);
    return row === undefined ? null : schema.parse(row);
  }

  #all<T>(schema: z.ZodType<T>, sql: string, params: Param[]): T[] {
    return this.#statement(sql)
      .all(...params)
      .map((row) => schema.parse(row));
  }

  #appointment(sql: string, key: string): AppointmentRecord | null {
    const row = this.#get(RecordRowSchema, sql, [key]);
    return row ? parseStored(AppointmentRecordSchema, row.record, `appointment ${key}`) : null;
  }

  #appointments(sql: string, params: Param[]): AppointmentRecord[] {
    return this.#all(RecordRowSchema, sql, params).map((row) =>
      parseStored(AppointmentRecordSchema, row.record, 'appointment'),
    );
  }
}
