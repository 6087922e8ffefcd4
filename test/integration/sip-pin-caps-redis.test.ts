import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SharedPinCaps } from '../../sip-gateway/trunk/shared-pin-caps.js';
import { cleanRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';

/*
 * The wrong-PIN caps of two gateway processes sharing one real Redis: a
 * caller capped on one is capped on the other, concurrent wrong PINs are
 * all counted (one script per count), and the window lapses in Redis.
 */

const log = pino({ level: 'silent' });
const noAudit = { record: () => undefined };
const caller = (key: string, trunk = '192.0.2.1') => ({ masked: '•• •• 42', key, trunk, callId: 'c' });

describe('wrong-PIN caps in Redis', () => {
  const prefix = uniqueRedisPrefix('sip-pin');
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    b = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await cleanRedisPrefix(a, prefix);
    a.disconnect();
    b.disconnect();
  });
  const caps = (client: Redis, windowMs = 60_000) =>
    new SharedPinCaps(
      { perCaller: { limit: 3, windowMs }, perTrunk: { limit: 50, windowMs } },
      noAudit,
      client,
      prefix,
      log,
    );

  it("one process's wrong PINs cap the caller on another, once it has read them", async () => {
    const first = caps(a);
    const second = caps(b);
    for (let i = 0; i < 3; i++) first.recordWrong(caller('walker'));
    expect(first.capped(caller('walker'))).toBe(true);
    await vi.waitFor(async () => expect((await first.counts(caller('walker')))[0]).toBe(3), {
      timeout: 2000,
      interval: 20,
    });
    // A new call on the other process: read at its start.
    expect(second.capped(caller('walker'))).toBe(false);
    await second.warm(caller('walker'));
    expect(second.capped(caller('walker'))).toBe(true);
    expect(second.capped(caller('someone-else', '192.0.2.9'))).toBe(false);
  });

  it('counts every one of many concurrent wrong PINs from two processes', async () => {
    const first = caps(a);
    const second = caps(b);
    for (let i = 0; i < 20; i++) {
      first.recordWrong(caller(`c${i}`, '198.51.100.1'));
      second.recordWrong(caller(`d${i}`, '198.51.100.1'));
    }
    await vi.waitFor(async () => expect((await first.counts(caller('x', '198.51.100.1')))[1]).toBe(40), {
      timeout: 3000,
      interval: 20,
    });
    const ttl = await a.pttl(`${prefix}sip:pin:trunk:198.51.100.1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lets the window lapse in Redis', async () => {
    const short = caps(a, 400);
    for (let i = 0; i < 3; i++) short.recordWrong(caller('brief', '203.0.113.5'));
    expect(short.capped(caller('brief', '203.0.113.5'))).toBe(true);
    await vi.waitFor(
      async () => {
        const fresh = caps(b, 400);
        await fresh.warm(caller('brief', '203.0.113.5'));
        expect(fresh.capped(caller('brief', '203.0.113.5'))).toBe(false);
        expect(short.capped(caller('brief', '203.0.113.5'))).toBe(false);
      },
      { timeout: 3000, interval: 50 },
    );
  });
});
