import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient, FieldErrorsSchema } from '../helpers/api.js';
import { SmsSink } from '../helpers/mail-sink.js';
import { REDIS_SERVER, spawnLogged, startRedis, type LoggedProcess } from '../helpers/native-services.js';
import { keysWithPrefix } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Faults of the store under a booking, against a private redis-server this
 * file starts on its own port (it is stopped with SIGSTOP and killed, so
 * never the shared one): a hung Redis gets the agent a prompt 503 and no
 * booking appears behind their back when Redis wakes up; an Idempotency-Key
 * makes a retry return the first booking.
 */

const STORE_TIMEOUT_MS = 800;
const PREFIX = 'faults:';
/** Persistent (append-only file), so a stop and a restart keep the data, as in production. */
const REDIS_ARGS = ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];

const booking = (overrides: Record<string, unknown> = {}) => ({
  startsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
  durationMinutes: 30,
  citizen: { displayName: 'Marie Dupont', phone: '+33612345678' },
  channels: ['sms'],
  ...overrides,
});

describe('booking while the store fails (private redis-server)', () => {
  let dir: string;
  let redis: { port: number; url: string; process: LoggedProcess };
  let probe: Redis;
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let sms: SmsSink;

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const response = await fetch(`${server.baseUrl}/api/v1/appointments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.agentToken('agent-faults')}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json();
    return {
      status: response.status,
      json,
      ms: Date.now() - started,
      retryAfter: response.headers.get('retry-after'),
    };
  };
  const appointmentKeys = async () => (await keysWithPrefix(probe, `${PREFIX}appointment:`)).length;
  const pinKeys = async () => (await keysWithPrefix(probe, `${PREFIX}pin:`)).length;
  const roomKeys = async () => (await keysWithPrefix(probe, `${PREFIX}room:`)).length;
  const jobKeys = async () => (await keysWithPrefix(probe, `${PREFIX}job:`)).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-faults-'));
    sms = await SmsSink.start();
    redis = await startRedis(dir, REDIS_ARGS);
    probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    server = await startTestServer(
      {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: PREFIX,
        STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
        SMS_GATEWAY_URL: sms.url,
        SMS_GATEWAY_TOKEN: 'gw-token',
      },
      { runScheduler: false },
    );
    api = apiClient(server.baseUrl, server.agentToken('agent-faults'));
  });
  afterAll(async () => {
    if (redis?.process.pid) process.kill(redis.process.pid, 'SIGCONT');
    await server?.close();
    probe?.disconnect();
    await redis?.process.stop(2_000);
    await sms?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 STORE_UNAVAILABLE within the deadline while Redis is stopped, and books nothing when it resumes', async () => {
    await api.book(booking());
    const before = {
      appointments: await appointmentKeys(),
      pins: await pinKeys(),
      rooms: await roomKeys(),
      jobs: await jobKeys(),
    };
    expect(before.appointments).toBe(1);

    const pid = redis.process.pid ?? 0;
    process.kill(pid, 'SIGSTOP');
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post(booking(), { 'idempotency-key': 'stopped-1' });
    } finally {
      // Held a little past the deadline, as a Redis that wakes up late would be.
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(pid, 'SIGCONT');
    }
    expect(answer.status).toBe(503);
    expect(FieldErrorsSchema.parse(answer.json).error.code).toBe('STORE_UNAVAILABLE');
    expect(answer.retryAfter).toBe('2');
    // The deadline plus scheduling slack on a loaded machine, never the 20 s the hung booking used to wait.
    expect(answer.ms).toBeLessThan(STORE_TIMEOUT_MS + 1_500);

    // Redis has now run every command that waited in the socket: the fenced booking wrote nothing.
    await probe.ping();
    expect(await appointmentKeys()).toBe(before.appointments);
    expect(await pinKeys()).toBe(before.pins);
    expect(await roomKeys()).toBe(before.rooms);
    expect(await jobKeys()).toBe(before.jobs);
    expect(await keysWithPrefix(probe, `${PREFIX}idempotency:`)).toEqual([]);

    // The agent's retry with the same key books once.
    const retried = await post(booking(), { 'idempotency-key': 'stopped-1' });
    expect(retried.status).toBe(201);
    expect(await appointmentKeys()).toBe(before.appointments + 1);
  });

  it('returns the first booking for a retried Idempotency-Key, and refuses the key with another body', async () => {
    const body = booking({ note: 'idempotent' });
    const first = await post(body, { 'idempotency-key': 'retry-42' });
    const second = await post(body, { 'idempotency-key': 'retry-42' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const idOf = (json: unknown): unknown =>
      typeof json === 'object' && json !== null ? Reflect.get(json, 'id') : null;
    expect(idOf(second.json)).toBe(idOf(first.json));
    const other = await post(booking({ note: 'something else' }), { 'idempotency-key': 'retry-42' });
    expect(other.status).toBe(422);
    expect(FieldErrorsSchema.parse(other.json).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const bad = await post(body, { 'idempotency-key': 'no spaces allowed' });
    expect(bad.status).toBe(400);
    // Ten concurrent retries of one key: one appointment.
    const before = await appointmentKeys();
    const raced = booking({ note: 'race' });
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => post(raced, { 'idempotency-key': 'race-1' })),
    );
    expect(new Set(racing.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(racing.map((r) => idOf(r.json))).size).toBe(1);
    expect(await appointmentKeys()).toBe(before + 1);
  });

  it('answers 503, not 500, while Redis is down; reminders resume afterwards, none lost', async () => {
    sms.messages.length = 0;
    // Booked before the outage: its SMS invitation is due and not yet sent (the scheduler is driven by hand).
    const owed = await api.book(booking({ citizen: { displayName: 'Paul Durand', phone: '+33611223344' } }));
    await redis.process.stop(5_000); // SIGTERM: Redis writes its append-only file, as a restart would.
    const down = await post(booking());
    expect(down.status).toBe(503);
    expect(FieldErrorsSchema.parse(down.json).error.code).toBe('STORE_UNAVAILABLE');
    // The scheduler's passes fail quietly meanwhile; the process stays up.
    expect(await server.guichet.scheduler.tick()).toBe(0);
    expect(sms.messages).toEqual([]);

    // The same port and data again.
    redis = {
      ...redis,
      process: spawnLogged(REDIS_SERVER, [
        ...REDIS_ARGS,
        '--port',
        String(redis.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
      ]),
    };
    await vi.waitFor(
      async () => {
        const answer = await post(booking());
        expect(answer.status).toBe(201);
      },
      { timeout: 15_000, interval: 250 },
    );
    await vi.waitFor(async () => expect(await server.guichet.scheduler.tick()).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 250,
    });
    await server.guichet.scheduler.tick();
    const toPaul = sms.messages.filter((m) => m.to === '+33611223344');
    expect(toPaul).toHaveLength(1);
    const view = await api.get(owed.id);
    expect(view.notifications.find((n) => n.channel === 'sms' && n.kind === 'invitation')?.status).toBe(
      'sent',
    );
  });
});
