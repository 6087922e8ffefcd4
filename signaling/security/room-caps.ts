import { AppError, RateLimitedError } from '../errors.js';

/*
 * Caps for one room as a whole, not per member: 500 knocks with one password
 * filled a lobby in 1.5 s, and 1,000 previews (19 MiB) reached the host in
 * 4 s while the host's own requests slowed to p99 ≈ 600 ms, although each
 * knocker stayed within its own rate.
 */

/** A token bucket per key (a room id): `burst` at once, refilled at `perSecond`. Idle keys are forgotten. */
export class KeyedRateLimit {
  readonly #buckets = new Map<string, { tokens: number; last: number }>();
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #clock: () => number;

  constructor(burst: number, perSecond: number, clock: () => number = Date.now) {
    if (!(burst >= 1 && perSecond > 0)) throw new Error('KeyedRateLimit: burst >= 1 and perSecond > 0');
    this.#burst = burst;
    this.#perSecond = perSecond;
    this.#clock = clock;
  }

  /** Takes one token for `key`, or throws RATE_LIMITED saying when the next one comes. */
  take(key: string, what: string): void {
    const now = this.#clock();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, last: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.last) / 1000) * this.#perSecond);
    bucket.last = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      throw new RateLimitedError(
        `too many ${what} in this room; slow down`,
        (1 - bucket.tokens) / this.#perSecond,
      );
    }
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    this.#sweep(now);
  }

  /** Drop the buckets that are full again: they hold no information. */
  #sweep(now: number): void {
    if (this.#buckets.size < 1024) return;
    const full = (this.#burst / this.#perSecond) * 1000;
    for (const [key, bucket] of this.#buckets) if (now - bucket.last >= full) this.#buckets.delete(key);
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }
}

/** At most `max` people waiting in one room's lobby; the next knock is refused with LOBBY_FULL. */
export class LobbyCap {
  readonly #max: number;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error('LobbyCap: max must be a positive integer');
    this.#max = max;
  }

  get max(): number {
    return this.#max;
  }

  /** Call with the lobby's size before adding a knocker. */
  check(waiting: number): void {
    if (waiting >= this.#max) {
      const error = new AppError(
        'LOBBY_FULL',
        'too many people are waiting for this appointment; try again later',
      );
      error.retryAfterSeconds = 30;
      throw error;
    }
  }
}
