import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { CallerIdentity } from '../room/room-link.js';
import type { PinCapsConfig, PinGuard, SipAudit } from './pin-caps.js';

/** One atomic step: count a wrong PIN and start its window on the first one. Returns [count, ms left]. */
const RECORD = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;
/** [count, ms left] without changing anything. */
const READ = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
return {n, redis.call('PTTL', KEYS[1])}`;
const Reply = z.tuple([z.number().int(), z.number().int()]);

interface Known {
  count: number;
  until: number;
}

/**
 * Wrong-PIN caps shared by every gateway process through Redis, so calling
 * another gateway does not reset a caller's count. Each counter is one key
 * per caller (keyed hash, never the number) and one per trunk, counted over
 * a fixed window that starts at the first wrong PIN (INCR + PEXPIRE in one
 * script). The voice menu asks synchronously, so the counts are read when
 * the call starts (the welcome prompt leaves seconds for that) and after
 * each wrong PIN from the script's own answer; a Redis that fails is
 * logged and the process's own view keeps counting.
 */
export class SharedPinCaps implements PinGuard {
  readonly #known = new Map<string, Known>();

  constructor(
    readonly config: PinCapsConfig,
    readonly audit: SipAudit,
    readonly redis: Redis,
    readonly keyPrefix: string,
    readonly log: Logger,
    readonly now: () => number = Date.now,
  ) {}

  async warm(caller: CallerIdentity): Promise<void> {
    await Promise.all(
      this.#keys(caller).map(async ({ key }) => {
        try {
          this.#learn(key, Reply.parse(await this.redis.eval(READ, 1, key)));
        } catch (error) {
          this.log.warn({ err: error }, 'wrong-PIN counters unreadable; counting locally');
        }
      }),
    );
  }

  capped(caller: CallerIdentity): boolean {
    const capped = this.#keys(caller).some(({ key, limit }) => this.#count(key) >= limit);
    if (capped) this.audit.record({ type: 'pin_capped', caller: caller.masked, trunk: caller.trunk });
    return capped;
  }

  recordWrong(caller: CallerIdentity): void {
    this.audit.record({ type: 'pin_wrong', caller: caller.masked, trunk: caller.trunk });
    for (const { key, windowMs } of this.#keys(caller)) {
      // At once here (the menu asks again right away), then as Redis counts it.
      const known = this.#known.get(key);
      const now = this.now();
      this.#known.set(
        key,
        known && known.until > now
          ? { count: known.count + 1, until: known.until }
          : { count: 1, until: now + windowMs },
      );
      this.redis.eval(RECORD, 1, key, String(windowMs)).then(
        (reply) => this.#learn(key, Reply.parse(reply)),
        (error: unknown) => this.log.warn({ err: error }, 'wrong PIN not counted in Redis'),
      );
    }
  }

  /** Counts as Redis has them now (for tests and metrics). */
  async counts(caller: CallerIdentity): Promise<number[]> {
    return Promise.all(
      this.#keys(caller).map(async ({ key }) => Reply.parse(await this.redis.eval(READ, 1, key))[0]),
    );
  }

  #keys(caller: CallerIdentity): { key: string; limit: number; windowMs: number }[] {
    const { perCaller, perTrunk } = this.config;
    return [
      { key: `${this.keyPrefix}sip:pin:caller:${caller.key}`, ...perCaller },
      { key: `${this.keyPrefix}sip:pin:trunk:${caller.trunk}`, ...perTrunk },
    ];
  }

  #learn(key: string, [count, ttl]: [number, number]): void {
    // Nothing in Redis for this key: only what this process counted.
    if (ttl <= 0) return;
    const known = this.#known.get(key);
    const now = this.now();
    // Another process may have counted more; never count down what this one has seen in its window.
    const mine = known && known.until > now ? known.count : 0;
    this.#known.set(key, { count: Math.max(count, mine), until: now + ttl });
  }

  #count(key: string): number {
    const known = this.#known.get(key);
    return known && known.until > this.now() ? known.count : 0;
  }
}
