import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SQLITE_FILENAME } from '../../signaling/store/create-store.js';
import { RedisStore } from '../../signaling/store/redis-store.js';
import { SqliteStore } from '../../signaling/store/sqlite-store.js';
import type { AppointmentFilter, AuditEvent, Store } from '../../signaling/store/store.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import {
  HOUR,
  MIN,
  T0,
  appointment,
  ids,
  job,
  outbox,
  retry,
  room,
  roomId,
  sent,
} from '../helpers/store-fixtures.js';

/*
 * One contract, two stores. Every test runs against SQLite (a file in a temp
 * dir) and Redis (a fresh key prefix), with explicit times: no sleeps.
 */

interface Backend {
  /** Opens another handle on the same data (a second node, or a restart). */
  open(): Store;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-store-'));
  const open = (): Store => SqliteStore.open(join(dir, SQLITE_FILENAME));
  return { open, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function redisBackend(): Backend {
  const prefix = uniqueRedisPrefix('store');
  const open = (): Store => new RedisStore(TEST_REDIS_URL, prefix);
  const cleanup = async (): Promise<void> => {
    await withRedis((admin) => cleanRedisPrefix(admin, prefix));
  };
  return { open, cleanup };
}

const backends = [
  { name: 'sqlite', setup: sqliteBackend },
  { name: 'redis', setup: redisBackend },
];

describe.each(backends)('Store contract: $name', ({ setup }) => {
  let backend: Backend;
  let handles: Store[];
  let store: Store;
  /** Another handle on the same data: a second node, or the same one after a restart. */
  const open = (): Store => {
    const handle = backend.open();
    handles.push(handle);
    return handle;
  };
  const listed = async (filter: Partial<AppointmentFilter>): Promise<string[]> =>
    ids(await store.listAppointments({ limit: 10, ...filter }));
  const ended = async (before: number, limit = 10): Promise<string[]> =>
    ids(await store.listEndedWithPersonalData(before, limit));
  const due = (now: number, limit = 10): Promise<string[]> => store.dueJobIds(now, limit);

  beforeEach(() => {
    backend = setup();
    handles = [];
    store = open();
  });

  afterEach(async () => {
    for (const handle of handles) await handle.close();
    await backend.cleanup();
  });

  it('creates, reads and deletes rooms; a second create of the same id throws', async () => {
    const r = room({ title: 'Guichet CAF' });
    await store.createRoom(r);
    await expect(store.createRoom(r)).rejects.toThrow(/exists/);
    expect(await store.getRoom(r.id)).toEqual(r);
    await store.deleteRoom(r.id);
    await store.deleteRoom(r.id); // idempotent
    expect(await store.getRoom(r.id)).toBeNull();
  });

  describe('appointments', () => {
    it('inserts, reads by id and by room; a duplicate id or room throws', async () => {
      const a = appointment();
      await store.insertAppointment(a);
      await expect(store.insertAppointment(a)).rejects.toThrow(/exists/);
      await expect(store.insertAppointment(appointment({ roomId: a.roomId }))).rejects.toThrow(a.roomId);
      expect(await store.getAppointment(a.id)).toEqual(a);
      expect(await store.getAppointmentByRoom(a.roomId)).toEqual(a);
      expect(await store.getAppointment('missing')).toBeNull();
      expect(await store.getAppointmentByRoom(roomId())).toBeNull();
    });

    it('copies records in and out', async () => {
      const a = appointment();
      await store.insertAppointment(a);
      const original = structuredClone(a);
      a.citizen.email = 'changed@example.org';
      const read = await store.getAppointment(a.id);
      expect(read).toEqual(original);
      read?.channels.push('sms');
      if (read) read.citizen.displayName = 'Mallory';
      expect(await store.getAppointment(a.id)).toEqual(original);
    });

    it('updates only at the expected version', async () => {
      const a = appointment();
      await store.insertAppointment(a);
      const next = { ...a, startsAt: T0 + HOUR, version: 2 };
      expect(await store.updateAppointment(next, 1)).toBe(true);
      expect(await store.updateAppointment({ ...a, note: 'stale', version: 2 }, 1)).toBe(false);
      expect(await store.getAppointment(a.id)).toEqual(next);
      expect(await store.updateAppointment(appointment(), 1)).toBe(false); // never inserted

      // Its room may change, but not to a room that has its own appointment.
      const other = appointment();
      await store.insertAppointment(other);
      await expect(store.updateAppointment({ ...next, roomId: other.roomId }, 2)).rejects.toThrow(
        other.roomId,
      );
      const moved = { ...next, roomId: roomId(), version: 3 };
      expect(await store.updateAppointment(moved, 2)).toBe(true);
      expect(await store.getAppointmentByRoom(moved.roomId)).toEqual(moved);
      expect(await store.getAppointmentByRoom(a.roomId)).toBeNull();
    });

    it('lists by agent, start window, status and limit, by startsAt ascending', async () => {
      const a1 = appointment({ startsAt: T0 + 2 * MIN });
      const a2 = appointment({ startsAt: T0 });
      const b1 = appointment({ agentId: 'agent-b', startsAt: T0 + MIN });
      const a3 = appointment({ startsAt: T0 + 3 * MIN, status: 'cancelled' });
      for (const x of [a1, a2, b1, a3]) await store.insertAppointment(x);

      expect(await listed({})).toEqual([a2.id, b1.id, a1.id, a3.id]);
      expect(await listed({ agentId: 'agent-a' })).toEqual([a2.id, a1.id, a3.id]);
      expect(await listed({ from: T0 + MIN, to: T0 + 3 * MIN })).toEqual([b1.id, a1.id]); // [from, to)
      expect(await listed({ status: 'cancelled' })).toEqual([a3.id]);
      expect(await listed({ agentId: 'agent-a', status: 'scheduled', limit: 1 })).toEqual([a2.id]);
      expect(await listed({ limit: 0 })).toEqual([]);

      // An update moves the record in every index: new start, new agent.
      const moved = { ...a2, agentId: 'agent-b', startsAt: T0 + 10 * MIN, version: 2 };
      expect(await store.updateAppointment(moved, 1)).toBe(true);
      expect(await listed({ agentId: 'agent-a' })).toEqual([a1.id, a3.id]);
      expect(await listed({ agentId: 'agent-b' })).toEqual([b1.id, a2.id]);
    });

    it('finds a match behind many filtered-out ones', async () => {
      for (let i = 0; i < 120; i += 1) {
        await store.insertAppointment(appointment({ status: 'cancelled', startsAt: T0 + i }));
      }
      const late = appointment({ startsAt: T0 + 500 });
      await store.insertAppointment(late);
      expect(await listed({ status: 'scheduled', limit: 5 })).toEqual([late.id]);
    });

    it('lists ended appointments that still hold personal data, by end', async () => {
      const early = appointment({ startsAt: T0, durationMinutes: 30 }); // ends T0+30'
      const long = appointment({ startsAt: T0 - HOUR, durationMinutes: 120 }); // ends T0+60'
      const short = appointment({ startsAt: T0 - HOUR, durationMinutes: 10 }); // ends T0-50'
      const erased = appointment({ startsAt: T0 - 2 * HOUR, personalDataErasedAt: T0 });
      for (const x of [early, long, short, erased]) await store.insertAppointment(x);

      expect(await ended(T0 + 30 * MIN)).toEqual([short.id]); // an end equal to `before` is not before it
      expect(await ended(T0 + 61 * MIN)).toEqual([short.id, early.id, long.id]);
      expect(await ended(T0 + 61 * MIN, 2)).toEqual([short.id, early.id]);

      const citizen = { ...short.citizen, email: null, phone: null };
      expect(
        await store.updateAppointment({ ...short, citizen, personalDataErasedAt: T0, version: 2 }, 1),
      ).toBe(true);
      expect(await ended(T0 + 61 * MIN)).toEqual([early.id, long.id]);
    });
  });

  describe('dial-in PINs', () => {
    it('gives a live PIN to one appointment; its holder may move its end', async () => {
      const until = Date.now() + HOUR;
      expect(await store.claimPin('111111', 'appt-a', until)).toBe(true);
      expect(await store.claimPin('111111', 'appt-b', until)).toBe(false);
      expect(await store.findPin('111111', until - 1)).toBe('appt-a');
      expect(await store.findPin('111111', until)).toBeNull(); // live while now < until
      expect(await store.claimPin('111111', 'appt-a', until + 1000)).toBe(true);
      expect(await store.findPin('111111', until + 999)).toBe('appt-a');
      expect(await store.claimPin('222222', 'appt-b', until)).toBe(true);
      expect(await store.findPin('333333', 0)).toBeNull();
    });

    it('frees a PIN once its until has passed', async () => {
      expect(await store.claimPin('444444', 'appt-a', Date.now() - 1000)).toBe(true);
      expect(await store.claimPin('444444', 'appt-b', Date.now() + MIN)).toBe(true);

      const until = Date.now() + 150;
      expect(await store.claimPin('555555', 'appt-a', until)).toBe(true);
      expect(await store.claimPin('555555', 'appt-b', until + MIN)).toBe(false);
      // claimPin takes no `now`: the store's clock must pass `until`. Poll, don't sleep.
      const claimB = async (): Promise<boolean> => store.claimPin('555555', 'appt-b', Date.now() + MIN);
      await vi.waitFor(async () => expect(await claimB()).toBe(true), { timeout: 5_000, interval: 25 });
      expect(await store.findPin('555555', Date.now())).toBe('appt-b');
    });

    it('is released only by its holder', async () => {
      const until = Date.now() + HOUR;
      await store.claimPin('666666', 'appt-a', until);
      await store.releasePin('666666', 'appt-b');
      expect(await store.findPin('666666', Date.now())).toBe('appt-a');
      await store.releasePin('666666', 'appt-a');
      expect(await store.findPin('666666', Date.now())).toBeNull();
      expect(await store.claimPin('666666', 'appt-b', until)).toBe(true);
    });
  });

  describe('notification jobs', () => {
    it('creates a job once; the second create changes nothing', async () => {
      const j = job();
      expect(await store.createJob(j)).toBe(true);
      expect(await store.createJob({ ...j, dueAt: T0 + MIN, nextAttemptAt: T0 + MIN })).toBe(false);
      const read = await store.getJob(j.id);
      expect(read).toEqual(j);
      if (read) read.status = 'sent';
      expect(await store.getJob(j.id)).toEqual(j);
      expect(await store.getJob('missing')).toBeNull();
    });

    it("lists an appointment's jobs by creation", async () => {
      const second = job({ appointmentId: 'appt-1', createdAt: T0 });
      const first = job({ appointmentId: 'appt-1', createdAt: T0 - MIN, kind: 'invitation', channel: 'sms' });
      for (const j of [second, first, job({ appointmentId: 'appt-2' })]) await store.createJob(j);
      expect(await store.jobsForAppointment('appt-1')).toEqual([first, second]);
      expect(await store.jobsForAppointment('appt-none')).toEqual([]);
    });

    it('lists due pending jobs, soonest first, up to the limit', async () => {
      const later = job({ nextAttemptAt: T0 + 2 * MIN });
      const soon = job({ nextAttemptAt: T0 });
      const notYet = job({ nextAttemptAt: T0 + 10 * MIN });
      const done = job({ status: 'sent', sentAt: T0 - MIN, nextAttemptAt: T0 - MIN });
      for (const j of [later, soon, notYet, done]) await store.createJob(j);
      expect(await due(T0 + 5 * MIN)).toEqual([soon.id, later.id]);
      expect(await due(T0 + 5 * MIN, 1)).toEqual([soon.id]);
      expect(await due(T0 - 1)).toEqual([]);
      // A leased job is not listed again until its lease runs out.
      await store.claimJob(soon.id, 'node-1', T0 + 5 * MIN, MIN);
      expect(await due(T0 + 5 * MIN)).toEqual([later.id]);
      expect(await due(T0 + 6 * MIN)).toEqual([later.id, soon.id]);
    });

    it('lets exactly one of 20 concurrent claims win, across handles', async () => {
      const j = job();
      await store.createJob(j);
      const nodes = [store, open(), open(), open()];
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => nodes[i % 4]?.claimJob(j.id, `node-${i}`, T0, MIN) ?? null),
      );
      const winners = claims.filter((c) => c !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toEqual({ ...j, leaseOwner: winners[0]?.leaseOwner, leaseUntil: T0 + MIN });
      expect(await store.getJob(j.id)).toEqual(winners[0]);
    });

    it('claims only pending, due, unleased jobs; an expired lease can be taken over', async () => {
      const j = job({ nextAttemptAt: T0 });
      await store.createJob(j);
      await store.createJob(job({ id: 'done', status: 'failed' }));
      expect(await store.claimJob('done', 'node-1', T0, MIN)).toBeNull();
      expect(await store.claimJob('missing', 'node-1', T0, MIN)).toBeNull();
      expect(await store.claimJob(j.id, 'node-1', T0 - 1, MIN)).toBeNull(); // not due yet
      expect((await store.claimJob(j.id, 'node-1', T0, MIN))?.leaseOwner).toBe('node-1');
      expect(await store.claimJob(j.id, 'node-2', T0 + MIN - 1, MIN)).toBeNull();
      const taken = await store.claimJob(j.id, 'node-2', T0 + MIN, MIN);
      expect(taken).toMatchObject({ leaseOwner: 'node-2', leaseUntil: T0 + 2 * MIN, attempts: 0 });
      expect(await store.finishJob(j.id, 'node-1', sent(T0 + MIN))).toBe(false);
      expect(await store.finishJob(j.id, 'node-2', sent(T0 + MIN))).toBe(true);
    });

    it('records an outcome only for the lease holder, once', async () => {
      const j = job();
      await store.createJob(j);
      expect(await store.finishJob(j.id, 'node-1', sent(T0))).toBe(false); // never claimed
      const claimed = await store.claimJob(j.id, 'node-1', T0, MIN);
      expect(await store.finishJob(j.id, 'node-2', sent(T0))).toBe(false);
      expect(await store.getJob(j.id)).toEqual(claimed);
      expect(await store.finishJob(j.id, 'node-1', sent(T0 + 1))).toBe(true);
      expect(await store.getJob(j.id)).toEqual({ ...j, status: 'sent', sentAt: T0 + 1, attempts: 1 });
      expect(await store.finishJob(j.id, 'node-1', { status: 'failed', lastError: 'late' })).toBe(false);
      expect(await due(T0 + HOUR)).toEqual([]);
    });

    it('retries a pending outcome at its nextAttemptAt; failed and skipped are final', async () => {
      const [again, fail, skip] = [job(), job(), job()];
      for (const j of [again, fail, skip]) {
        await store.createJob(j);
        await store.claimJob(j.id, 'node-1', T0, MIN);
      }
      const next = T0 + 30_000;
      expect(await store.finishJob(again.id, 'node-1', retry(next, 'smtp 421'))).toBe(true);
      expect(await store.finishJob(fail.id, 'node-1', { status: 'failed', lastError: 'no address' })).toBe(
        true,
      );
      expect(await store.finishJob(skip.id, 'node-1', { status: 'skipped', lastError: 'cancelled' })).toBe(
        true,
      );

      expect(await store.getJob(again.id)).toEqual({
        ...again,
        nextAttemptAt: next,
        lastError: 'smtp 421',
        attempts: 1,
      });
      expect(await store.getJob(fail.id)).toEqual({
        ...fail,
        status: 'failed',
        lastError: 'no address',
        attempts: 1,
      });
      expect(await store.getJob(skip.id)).toEqual({ ...skip, status: 'skipped', lastError: 'cancelled' });

      expect(await due(next - 1)).toEqual([]);
      expect(await due(next)).toEqual([again.id]);
      expect(await store.claimJob(again.id, 'node-2', next - 1, MIN)).toBeNull();
      expect((await store.claimJob(again.id, 'node-2', next, MIN))?.attempts).toBe(1);
      expect(await store.finishJob(again.id, 'node-2', sent(next))).toBe(true);
      const final = { status: 'sent', attempts: 2, sentAt: next, lastError: 'smtp 421' };
      expect(await store.getJob(again.id)).toMatchObject(final);
    });

    it('supersedes pending notices: deletes those never taken, skips those a sender took', async () => {
      const untouched = job({ appointmentId: 'appt-1', kind: 'reminder' });
      const taken = job({ appointmentId: 'appt-1', kind: 'invitation' });
      const retrying = job({ appointmentId: 'appt-1', kind: 'rescheduled' });
      const cancelled = job({ appointmentId: 'appt-1', kind: 'cancelled' });
      const done = job({ appointmentId: 'appt-1', kind: 'reminder', status: 'sent', sentAt: T0 });
      for (const j of [untouched, taken, retrying, cancelled, done]) await store.createJob(j);
      await store.claimJob(taken.id, 'node-1', T0, MIN); // being sent right now
      await store.claimJob(retrying.id, 'node-1', T0, MIN);
      expect(await store.finishJob(retrying.id, 'node-1', retry(T0, 'smtp 421'))).toBe(true);

      expect(await store.supersedePendingJobs('appt-1', [])).toBe(0);
      expect(await store.supersedePendingJobs('appt-1', ['reminder', 'invitation', 'rescheduled'])).toBe(3);
      expect(await store.getJob(untouched.id)).toBeNull();
      const skipped = { status: 'skipped', lastError: 'rescheduled', leaseOwner: null };
      expect(await store.getJob(taken.id)).toMatchObject(skipped);
      expect(await store.getJob(retrying.id)).toMatchObject(skipped);
      expect(await store.finishJob(taken.id, 'node-1', sent(T0))).toBe(false);
      expect((await store.jobsForAppointment('appt-1')).map((j) => j.id).sort()).toEqual(
        [taken.id, retrying.id, cancelled.id, done.id].sort(),
      );
      expect(await due(T0 + 10 * MIN)).toEqual([cancelled.id]);
    });

    it('skips pending jobs of an appointment, optionally of given kinds', async () => {
      const reminder = job({ appointmentId: 'appt-1', kind: 'reminder' });
      const invitation = job({ appointmentId: 'appt-1', kind: 'invitation' });
      const cancelled = job({ appointmentId: 'appt-1', kind: 'cancelled' });
      const done = job({ appointmentId: 'appt-1', kind: 'reminder', status: 'sent', sentAt: T0 });
      const other = job({ appointmentId: 'appt-2' });
      for (const j of [reminder, invitation, cancelled, done, other]) await store.createJob(j);
      await store.claimJob(reminder.id, 'node-1', T0, MIN); // being sent right now

      expect(await store.skipPendingJobs('appt-1', 'rescheduled', [])).toBe(0);
      expect(await store.skipPendingJobs('appt-1', 'rescheduled', ['reminder', 'invitation'])).toBe(2);
      const skipped = { status: 'skipped', lastError: 'rescheduled', leaseOwner: null };
      expect(await store.getJob(reminder.id)).toMatchObject(skipped);
      expect(await store.getJob(invitation.id)).toMatchObject(skipped);
      expect(await store.getJob(done.id)).toEqual(done);
      // The send that was in flight cannot bring the job back.
      expect(await store.finishJob(reminder.id, 'node-1', retry(T0, 'timeout'))).toBe(false);
      expect(await due(T0 + MIN)).toEqual([cancelled.id, other.id]);

      expect(await store.skipPendingJobs('appt-1', 'cancelled')).toBe(1);
      expect(await store.getJob(cancelled.id)).toMatchObject({ status: 'skipped', lastError: 'cancelled' });
      expect(await due(T0 + MIN)).toEqual([other.id]);
    });
  });

  it('keeps the audit trail in append order, per appointment', async () => {
    const types = ['booked', 'joined', 'admitted', 'identity-verified', 'ended'];
    const events: AuditEvent[] = types.map((type, i) => ({
      appointmentId: 'appt-1',
      at: T0 + (i % 2), // out of order in time: the order must come from appending
      type,
      actor: i === 1 ? 'citizen' : 'agent',
      detail: { step: i, ok: true, note: null, by: 'agent-a' },
    }));
    for (const e of events) {
      await store.appendAudit(e);
      await store.appendAudit({ ...e, appointmentId: 'appt-2' });
    }
    expect(await store.listAudit('appt-1')).toEqual(events);
    expect(await store.listAudit('appt-2')).toHaveLength(5);
    expect(await store.listAudit('appt-3')).toEqual([]);
  });

  it('lists the outbox newest first by agent or appointment, and erases recipients and texts', async () => {
    const m1 = outbox({ appointmentId: 'appt-1', createdAt: T0 });
    const m2 = outbox({ appointmentId: 'appt-1', createdAt: T0 + 1, channel: 'sms', subject: null });
    const m3 = outbox({ appointmentId: 'appt-2', agentId: 'agent-b', createdAt: T0 + 2 });
    for (const m of [m1, m2, m3]) await store.addOutbox(m);
    await expect(store.addOutbox(m1)).rejects.toThrow();

    expect(await store.listOutbox({ limit: 10 })).toEqual([m3, m2, m1]);
    expect(await store.listOutbox({ limit: 2 })).toEqual([m3, m2]);
    expect(await store.listOutbox({ agentId: 'agent-a', limit: 10 })).toEqual([m2, m1]);
    expect(await store.listOutbox({ appointmentId: 'appt-2', limit: 10 })).toEqual([m3]);
    expect(await store.listOutbox({ agentId: 'agent-b', appointmentId: 'appt-1', limit: 10 })).toEqual([]);

    await store.eraseOutboxPersonalData('appt-1');
    expect(await store.listOutbox({ limit: 10 })).toEqual([
      m3,
      { ...m2, to: '', text: '' },
      { ...m1, to: '', text: '' },
    ]);
  });

  it('keeps everything across close and reopen; close is idempotent', async () => {
    const r = room();
    const a = appointment({ roomId: r.id });
    const j = job({ appointmentId: a.id });
    const m = outbox({ appointmentId: a.id });
    const e: AuditEvent = { appointmentId: a.id, at: T0, type: 'booked', actor: 'agent', detail: {} };
    await store.createRoom(r);
    await store.insertAppointment(a);
    await store.claimPin(a.pin, a.id, Date.now() + HOUR);
    await store.createJob(j);
    await store.appendAudit(e);
    await store.addOutbox(m);
    await store.close();
    await store.close();

    const reopened = open();
    expect(await reopened.getRoom(r.id)).toEqual(r);
    expect(await reopened.getAppointmentByRoom(r.id)).toEqual(a);
    expect(await reopened.findPin(a.pin, Date.now())).toBe(a.id);
    expect(await reopened.dueJobIds(T0, 10)).toEqual([j.id]);
    expect(await reopened.listAudit(a.id)).toEqual([e]);
    expect(await reopened.listOutbox({ appointmentId: a.id, limit: 10 })).toEqual([m]);
  });
});
