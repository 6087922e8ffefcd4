import { Redis } from 'ioredis';
import { z } from 'zod';
import type { PeerId, RoomId } from '../protocol/index.js';
import {
  AppointmentRecordSchema,
  AuditEventSchema,
  MemberRecordSchema,
  NotificationJobSchema,
  OutboxMessageSchema,
  RoomRecordSchema,
  claimableAt,
  endsAt,
  limitOf,
  parseStored,
  pinUntil,
} from './record-schemas.js';
import { appointmentKeys, bookInRedis } from './redis-booking.js';
import { jobFromHash, jobToHash } from './redis-codec.js';
import type { LuaScript } from './redis-scripts.js';
import {
  ADD_OUTBOX,
  CLAIM_JOB,
  CLAIM_PIN,
  CREATE_JOB,
  FINISH_JOB,
  FIND_PIN,
  INSERT_APPOINTMENT,
  MARK_JOB_HANDED,
  RELEASE_PIN,
  SKIP_PENDING_JOBS,
  SUPERSEDE_PENDING_JOBS,
  UPDATE_APPOINTMENT,
} from './redis-scripts.js';
import type { MemberRecord, RoomRecord } from './room-store.js';
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

const ScriptCountSchema = z.number().int();
const PinHoldSchema = z.union([z.null(), z.tuple([z.string(), z.number().int()])]);

export interface RedisStoreOptions {
  /** How long a booking may wait for Redis; past it, Redis refuses to apply it (default 2 s). */
  bookingDeadlineMs?: number;
  /** Redis's clock minus ours, measured at connection: the booking deadline is set on Redis's clock. */
  clockOffsetMs?: number;
}

/** Members of a room whose node died without cleaning up are dropped after this. */
const MEMBERS_TTL_SECONDS = 24 * 60 * 60;

/** How many index entries a filtered listing reads per round trip. */
const PAGE = 100;

/**
 * The store for several nodes: everything under one key prefix in one Redis.
 * Records are JSON strings; sorted sets index them (appointments by start,
 * per agent and by end for retention; jobs by when they can next be claimed;
 * outbox messages by creation); every check-then-write is a Lua script.
 * The store owns the client it is given: close() quits it.
 */
export class RedisStore implements Store {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #bookingDeadlineMs: number;
  readonly #clockOffsetMs: number;
  #closed = false;

  constructor(client: Redis | string, keyPrefix: string, options: RedisStoreOptions = {}) {
    this.#redis = typeof client === 'string' ? new Redis(client) : client;
    this.#prefix = keyPrefix;
    this.#bookingDeadlineMs = options.bookingDeadlineMs ?? 2_000;
    this.#clockOffsetMs = options.clockOffsetMs ?? 0;
  }

  // Bookings

  async book(booking: Booking): Promise<BookingResult> {
    const deadline = Date.now() + this.#clockOffsetMs + this.#bookingDeadlineMs;
    return bookInRedis(this.#redis, this.#prefix, booking, deadline);
  }

  // Rooms

  async createRoom(record: RoomRecord): Promise<void> {
    const room = RoomRecordSchema.parse(record);
    const created = await this.#redis.set(this.#key('room', room.id), JSON.stringify(room), 'NX');
    if (created === null) throw new Error(`room ${room.id} already exists`);
  }

  async getRoom(id: RoomId): Promise<RoomRecord | null> {
    const text = await this.#redis.get(this.#key('room', id));
    return text === null ? null : parseStored(RoomRecordSchema, text, `room ${id}`);
  }

  async deleteRoom(id: RoomId): Promise<void> {
    await this.#redis.del(this.#key('room', id));
  }

  // Members of live rooms: one hash per room, a field per member.

  async saveMember(record: MemberRecord): Promise<void> {
    const member = MemberRecordSchema.parse(record);
    const key = this.#key('members', member.roomId);
    // A node killed mid-call never deletes its rooms' members: they expire a day after the last change.
    const results = await this.#redis
      .multi()
      .hset(key, member.peerId, JSON.stringify(member))
      .expire(key, MEMBERS_TTL_SECONDS)
      .exec();
    for (const [error] of results ?? []) if (error) throw error;
  }

  async getMember(roomId: RoomId, peerId: PeerId): Promise<MemberRecord | null> {
    const text = await this.#redis.hget(this.#key('members', roomId), peerId);
    return text === null ? null : parseStored(MemberRecordSchema, text, `member ${peerId}`);
  }

  async deleteMember(roomId: RoomId, peerId: PeerId): Promise<void> {
    await this.#redis.hdel(this.#key('members', roomId), peerId);
  }

  async deleteMembers(roomId: RoomId): Promise<void> {
    await this.#redis.del(this.#key('members', roomId));
  }

  // Appointments

  async insertAppointment(record: AppointmentRecord): Promise<void> {
    const a = AppointmentRecordSchema.parse(record);
    const result = await this.#script(INSERT_APPOINTMENT, this.#appointmentKeys(a), this.#appointmentArgs(a));
    if (result === -1) throw new Error(`appointment ${a.id} already exists`);
    if (result === -2) throw new Error(`room ${a.roomId} already has an appointment`);
  }

  async getAppointment(id: string): Promise<AppointmentRecord | null> {
    const text = await this.#redis.get(this.#key('appointment', id));
    return text === null ? null : parseStored(AppointmentRecordSchema, text, `appointment ${id}`);
  }

  async getAppointmentByRoom(roomId: RoomId): Promise<AppointmentRecord | null> {
    const id = await this.#redis.get(this.#key('appointment-room', roomId));
    return id === null ? null : this.getAppointment(id);
  }

  async updateAppointment(record: AppointmentRecord, expectedVersion: number): Promise<boolean> {
    const a = AppointmentRecordSchema.parse(record);
    const result = await this.#script(UPDATE_APPOINTMENT, this.#appointmentKeys(a), [
      ...this.#appointmentArgs(a),
      expectedVersion,
      this.#prefix,
      a.roomId,
      a.agentId,
    ]);
    if (result === -2) throw new Error(`room ${a.roomId} already has an appointment`);
    return result === 1;
  }

  async listAppointments(filter: AppointmentFilter): Promise<AppointmentRecord[]> {
    const limit = limitOf(filter.limit);
    const index =
      filter.agentId === undefined
        ? this.#key('appointments:by-start')
        : this.#key('appointments:agent', filter.agentId);
    const min = filter.from ?? '-inf';
    // ZRANGEBYSCORE's "(" makes the bound exclusive: startsAt < to.
    const max = filter.to === undefined ? '+inf' : `(${filter.to}`;
    const found: AppointmentRecord[] = [];
    // Ties on startsAt come back ordered by id, as the SQLite store orders them.
    for (let offset = 0; found.length < limit; offset += PAGE) {
      const ids = await this.#redis.zrangebyscore(index, min, max, 'LIMIT', offset, PAGE);
      for (const a of await this.#appointmentsByIds(ids)) {
        if (filter.status === undefined || a.status === filter.status) found.push(a);
      }
      if (ids.length < PAGE) break;
    }
    return found.slice(0, limit);
  }

  async listEndedWithPersonalData(before: number, limit: number): Promise<AppointmentRecord[]> {
    const n = limitOf(limit);
    if (n === 0) return [];
    const ids = await this.#redis.zrangebyscore(
      this.#key('appointments:with-personal-data'),
      '-inf',
      `(${before}`,
      'LIMIT',
      0,
      n,
    );
    return this.#appointmentsByIds(ids);
  }

  // Dial-in PINs

  async claimPin(pin: string, appointmentId: string, until: number): Promise<boolean> {
    // Liveness is Redis's clock (the key's PXAT expiry): one clock for every node.
    return (await this.#script(CLAIM_PIN, [this.#key('pin', pin)], [appointmentId, pinUntil(until)])) === 1;
  }

  async releasePin(pin: string, appointmentId: string): Promise<void> {
    await this.#script(RELEASE_PIN, [this.#key('pin', pin)], [appointmentId]);
  }

  async findPin(pin: string, now: number): Promise<string | null> {
    const hold = PinHoldSchema.parse(await FIND_PIN.run(this.#redis, [this.#key('pin', pin)], []));
    if (hold === null) return null;
    const [appointmentId, until] = hold;
    // PEXPIRETIME is -1 for a key without expiry: held with no end.
    return until < 0 || now < until ? appointmentId : null;
  }

  // Notification jobs

  async createJob(job: NotificationJob): Promise<boolean> {
    const j = NotificationJobSchema.parse(job);
    const result = await this.#script(
      CREATE_JOB,
      [this.#key('job', j.id), this.#key('jobs:due'), this.#key('jobs:appointment', j.appointmentId)],
      [j.id, j.createdAt, j.status === 'pending' ? claimableAt(j) : '', ...jobToHash(j)],
    );
    return result === 1;
  }

  async getJob(id: string): Promise<NotificationJob | null> {
    return jobFromHash(await this.#redis.hgetall(this.#key('job', id)), `job ${id}`);
  }

  async jobsForAppointment(appointmentId: string): Promise<NotificationJob[]> {
    // Scored by createdAt, ties by id: the SQLite store's order.
    const ids = await this.#redis.zrange(this.#key('jobs:appointment', appointmentId), '0', '-1');
    const jobs = await Promise.all(ids.map((id) => this.getJob(id)));
    return jobs.filter((job): job is NotificationJob => job !== null);
  }

  async dueJobIds(now: number, limit: number): Promise<string[]> {
    const n = limitOf(limit);
    if (n === 0) return [];
    // The set holds pending jobs only, scored by max(nextAttemptAt, leaseUntil).
    return this.#redis.zrangebyscore(this.#key('jobs:due'), '-inf', now, 'LIMIT', 0, n);
  }

  async claimJob(id: string, owner: string, now: number, leaseMs: number): Promise<NotificationJob | null> {
    const claimed = await CLAIM_JOB.run(
      this.#redis,
      [this.#key('job', id), this.#key('jobs:due')],
      [owner, now, now + leaseMs, id],
    );
    return claimed === null ? null : jobFromHash(claimed, `job ${id}`);
  }

  async markJobHanded(id: string, owner: string, at: number): Promise<boolean> {
    return (await this.#script(MARK_JOB_HANDED, [this.#key('job', id)], [owner, at])) === 1;
  }

  async finishJob(id: string, owner: string, outcome: JobOutcome): Promise<boolean> {
    const countsAsAttempt = outcome.status === 'skipped' ? '0' : '1';
    const sentAt = outcome.status === 'sent' ? outcome.sentAt : '';
    const nextAttemptAt = outcome.status === 'pending' ? outcome.nextAttemptAt : '';
    const lastError = outcome.status === 'sent' ? null : outcome.lastError;
    const result = await this.#script(
      FINISH_JOB,
      [this.#key('job', id), this.#key('jobs:due')],
      [
        owner,
        id,
        outcome.status,
        countsAsAttempt,
        sentAt,
        nextAttemptAt,
        lastError === null ? '0' : '1',
        lastError ?? '',
      ],
    );
    return result === 1;
  }

  async skipPendingJobs(appointmentId: string, reason: string, kinds?: NotificationKind[]): Promise<number> {
    if (kinds?.length === 0) return 0;
    return this.#script(
      SKIP_PENDING_JOBS,
      [this.#key('jobs:appointment', appointmentId), this.#key('jobs:due')],
      [this.#prefix, reason, kinds ? '1' : '0', ...(kinds ?? [])],
    );
  }

  async supersedePendingJobs(appointmentId: string, kinds: NotificationKind[]): Promise<number> {
    if (kinds.length === 0) return 0;
    return this.#script(
      SUPERSEDE_PENDING_JOBS,
      [this.#key('jobs:appointment', appointmentId), this.#key('jobs:due')],
      [this.#prefix, ...kinds],
    );
  }

  // Audit trail

  async appendAudit(event: AuditEvent): Promise<void> {
    const e = AuditEventSchema.parse(event);
    await this.#redis.rpush(this.#key('audit', e.appointmentId), JSON.stringify(e));
  }

  async listAudit(appointmentId: string): Promise<AuditEvent[]> {
    const items = await this.#redis.lrange(this.#key('audit', appointmentId), 0, -1);
    return items.map((text) => parseStored(AuditEventSchema, text, `audit of ${appointmentId}`));
  }

  // Outbox

  async addOutbox(message: OutboxMessage): Promise<void> {
    const m = OutboxMessageSchema.parse(message);
    const result = await this.#script(
      ADD_OUTBOX,
      [
        this.#key('outbox', m.id),
        this.#key('outbox:all'),
        this.#key('outbox:agent', m.agentId),
        this.#key('outbox:appointment', m.appointmentId),
      ],
      [JSON.stringify(m), m.createdAt, m.id],
    );
    if (result === 0) throw new Error(`outbox message ${m.id} already exists`);
  }

  async listOutbox(filter: {
    agentId?: string;
    appointmentId?: string;
    limit: number;
  }): Promise<OutboxMessage[]> {
    const limit = limitOf(filter.limit);
    const index =
      filter.appointmentId !== undefined
        ? this.#key('outbox:appointment', filter.appointmentId)
        : filter.agentId !== undefined
          ? this.#key('outbox:agent', filter.agentId)
          : this.#key('outbox:all');
    const found: OutboxMessage[] = [];
    // Newest first (ties by id, descending), as in the SQLite store: under the
    // limit, the agent sees the latest messages.
    for (let offset = 0; found.length < limit; offset += PAGE) {
      const ids = await this.#redis.zrevrangebyscore(index, '+inf', '-inf', 'LIMIT', offset, PAGE);
      for (const m of await this.#outboxByIds(ids)) {
        if (filter.agentId === undefined || m.agentId === filter.agentId) found.push(m);
      }
      if (ids.length < PAGE) break;
    }
    return found.slice(0, limit);
  }

  async eraseOutboxPersonalData(appointmentId: string): Promise<void> {
    // Read-modify-write without a script: a message's only change after it is
    // added is this erasure, so two erasers racing write the same thing.
    const ids = await this.#redis.zrange(this.#key('outbox:appointment', appointmentId), '0', '-1');
    for (const m of await this.#outboxByIds(ids)) {
      if (m.to !== '' || m.text !== '')
        await this.#redis.set(this.#key('outbox', m.id), JSON.stringify({ ...m, to: '', text: '' }), 'XX');
    }
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      // Already disconnected: nothing left to close gracefully.
      this.#redis.disconnect();
    }
  }

  // Helpers

  #key(...parts: string[]): string {
    return this.#prefix + parts.join(':');
  }

  async #script(script: LuaScript, keys: string[], args: (string | number)[]): Promise<number> {
    return ScriptCountSchema.parse(await script.run(this.#redis, keys, args));
  }

  #appointmentKeys(a: AppointmentRecord): string[] {
    return appointmentKeys(this.#prefix, a);
  }

  #appointmentArgs(a: AppointmentRecord): (string | number)[] {
    return [a.id, JSON.stringify(a), a.startsAt, endsAt(a), a.personalDataErasedAt === null ? '0' : '1'];
  }

  async #appointmentsByIds(ids: string[]): Promise<AppointmentRecord[]> {
    if (ids.length === 0) return [];
    const texts = await this.#redis.mget(ids.map((id) => this.#key('appointment', id)));
    return texts.flatMap((text, i) =>
      text === null ? [] : [parseStored(AppointmentRecordSchema, text, `appointment ${ids[i] ?? '?'}`)],
    );
  }

  async #outboxByIds(ids: string[]): Promise<OutboxMessage[]> {
    if (ids.length === 0) return [];
    const texts = await this.#redis.mget(ids.map((id) => this.#key('outbox', id)));
    return texts.flatMap((text, i) =>
      text === null ? [] : [parseStored(OutboxMessageSchema, text, `outbox message ${ids[i] ?? '?'}`)],
    );
  }
}
