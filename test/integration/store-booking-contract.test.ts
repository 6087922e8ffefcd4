import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../signaling/errors.js';
import { SQLITE_FILENAME } from '../../signaling/store/create-store.js';
import { RedisStore } from '../../signaling/store/redis-store.js';
import { SqliteStore } from '../../signaling/store/sqlite-store.js';
import type { Booking, Store } from '../../signaling/store/store.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import { HOUR, MIN, T0, appointment, job, retry, room, sent } from '../helpers/store-fixtures.js';

/*
 * The booking write and the hand-over record, against both stores: a
 * booking is all or nothing, whatever refuses it.
 */

function sqlite(): { store: Store; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-booking-'));
  return {
    store: SqliteStore.open(join(dir, SQLITE_FILENAME)),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function redis(): { store: Store; cleanup: () => Promise<void> } {
  const prefix = uniqueRedisPrefix('booking');
  return {
    store: new RedisStore(TEST_REDIS_URL, prefix),
    cleanup: async () => {
      await withRedis((admin) => cleanRedisPrefix(admin, prefix));
    },
  };
}

function booking(over: { pin?: string; key?: string; fingerprint?: string } = {}): Booking {
  const r = room();
  const a = appointment({
    roomId: r.id,
    pin: over.pin ?? String(100_000 + Math.floor(Math.random() * 900_000)),
  });
  return {
    room: r,
    appointment: a,
    pinUntil: T0 + 2 * HOUR,
    jobs: [
      job({ id: `${a.id}:invitation:email:0`, appointmentId: a.id, kind: 'invitation' }),
      job({ id: `${a.id}:reminder:email:0`, appointmentId: a.id, dueAt: T0 - 15 * MIN }),
    ],
    audit: {
      appointmentId: a.id,
      at: T0 - HOUR,
      type: 'booked',
      actor: 'agent',
      detail: { agentId: 'agent-a' },
    },
    idempotency: over.key ? { key: over.key, fingerprint: over.fingerprint ?? 'f1', ttlMs: HOUR } : null,
  };
}

describe.each([
  { name: 'sqlite', setup: sqlite },
  { name: 'redis', setup: redis },
])('Store booking contract: $name', ({ setup }) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(() => {
    ({ store, cleanup } = setup());
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const nothingOf = async (b: Booking): Promise<void> => {
    expect(await store.getRoom(b.room.id)).toBeNull();
    expect(await store.getAppointment(b.appointment.id)).toBeNull();
    expect(await store.jobsForAppointment(b.appointment.id)).toEqual([]);
    expect(await store.listAudit(b.appointment.id)).toEqual([]);
  };

  it('writes the room, the appointment, its PIN, its jobs and its audit event together', async () => {
    const b = booking();
    expect(await store.book(b)).toEqual({ status: 'booked' });
    expect(await store.getRoom(b.room.id)).toEqual(b.room);
    expect(await store.getAppointment(b.appointment.id)).toEqual(b.appointment);
    expect(await store.getAppointmentByRoom(b.room.id)).toEqual(b.appointment);
    expect(await store.findPin(b.appointment.pin, T0)).toBe(b.appointment.id);
    expect((await store.jobsForAppointment(b.appointment.id)).map((j) => j.id).sort()).toEqual(
      b.jobs.map((j) => j.id).sort(),
    );
    expect(await store.dueJobIds(T0, 10)).toEqual(expect.arrayContaining(b.jobs.map((j) => j.id)));
    expect(await store.listAudit(b.appointment.id)).toEqual([b.audit]);
  });

  it('writes nothing when another live appointment holds the PIN', async () => {
    expect(await store.book(booking({ pin: '654321' }))).toEqual({ status: 'booked' });
    const second = booking({ pin: '654321' });
    expect(await store.book(second)).toEqual({ status: 'pin-taken' });
    await nothingOf(second);
  });

  it('writes nothing, and holds no PIN, when the room exists', async () => {
    const first = booking();
    await store.book(first);
    const clash = booking();
    clash.room = { ...clash.room, id: first.room.id };
    clash.appointment = { ...clash.appointment, roomId: first.room.id };
    await expect(store.book(clash)).rejects.toThrow(/already exists/);
    expect(await store.getAppointment(clash.appointment.id)).toBeNull();
    expect(await store.findPin(clash.appointment.pin, T0)).toBeNull();
    expect(await store.jobsForAppointment(clash.appointment.id)).toEqual([]);
  });

  it('answers a held Idempotency-Key with the first booking and writes nothing', async () => {
    const first = booking({ key: 'agent-a:k1', fingerprint: 'body-1' });
    expect(await store.book(first)).toEqual({ status: 'booked' });
    const retryOf = booking({ key: 'agent-a:k1', fingerprint: 'body-1' });
    expect(await store.book(retryOf)).toEqual({
      status: 'replayed',
      appointmentId: first.appointment.id,
      fingerprint: 'body-1',
    });
    await nothingOf(retryOf);
    expect(await store.findPin(retryOf.appointment.pin, T0)).toBeNull();
    // Another agent's key of the same text is another key.
    expect(await store.book(booking({ key: 'agent-b:k1' }))).toEqual({ status: 'booked' });
  });

  it('records a hand-over only for the lease holder; a failed attempt clears it, a sent one keeps it', async () => {
    const b = booking();
    await store.book(b);
    const id = b.jobs[0]?.id ?? '';
    expect(await store.markJobHanded(id, 'node-a', T0)).toBe(false); // not claimed
    await store.claimJob(id, 'node-a', T0, MIN);
    expect(await store.markJobHanded(id, 'node-b', T0)).toBe(false);
    expect(await store.markJobHanded(id, 'node-a', T0 + 1)).toBe(true);
    expect((await store.getJob(id))?.handedAt).toBe(T0 + 1);
    await store.finishJob(id, 'node-a', retry(T0 + MIN, 'relay down'));
    expect((await store.getJob(id))?.handedAt).toBeNull();
    await store.claimJob(id, 'node-a', T0 + MIN, MIN);
    await store.markJobHanded(id, 'node-a', T0 + MIN + 5);
    await store.finishJob(id, 'node-a', sent(T0 + MIN + 9));
    const done = await store.getJob(id);
    expect(done?.status).toBe('sent');
    expect(done?.handedAt).toBe(T0 + MIN + 5);
  });
});

describe('Redis booking deadline', () => {
  it('refuses a booking that reaches Redis after its deadline, writing nothing', async () => {
    const prefix = uniqueRedisPrefix('late-booking');
    // Redis's clock "ahead" by 10 s: the deadline (now + 1 ms) has passed when the script runs.
    const store = new RedisStore(TEST_REDIS_URL, prefix, { bookingDeadlineMs: 1, clockOffsetMs: -10_000 });
    try {
      const b = booking();
      await expect(store.book(b)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.getRoom(b.room.id)).toBeNull();
      expect(await store.getAppointment(b.appointment.id)).toBeNull();
      expect(await store.findPin(b.appointment.pin, T0)).toBeNull();
      expect(await store.jobsForAppointment(b.appointment.id)).toEqual([]);
    } finally {
      await store.close();
      await withRedis((admin) => cleanRedisPrefix(admin, prefix));
    }
  });
});
