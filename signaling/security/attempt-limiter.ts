import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, RateLimitedError } from '../errors.js';
import { createCounter, overLimit, type LimiterBackend } from './limiter-factory.js';

export interface AttemptLimiterOptions {
  backend: LimiterBackend;
  /** Failed password/token/PIN tries allowed per address and per room, per minute (JOIN_ATTEMPTS_PER_MINUTE). */
  failuresPerMinute: number;
  /** Joins (successful or not) per address per minute. */
  joinsPerMinute: number;
  /** First lock-out; each further lock-out within a day doubles it, up to maxLockSeconds. */
  lockSeconds?: number;
  maxLockSeconds?: number;
  log: Logger;
  /** Told each refusal (metrics). */
  onRefused?: () => void;
}

/** Where a try comes from and what it is for. */
export interface AttemptContext {
  /** The client's address (the socket's, or the proxy's X-Forwarded-For with TRUST_PROXY). */
  address: string;
  /** The room (or "pin" for dial-in PINs, which name no room). */
  target: string;
}

/** The codes that mean "wrong secret": counted, and all answered alike. */
const CREDENTIAL_FAILURES = new Set(['WRONG_PASSWORD', 'ROOM_NOT_FOUND', 'UNAUTHORIZED']);

/**
 * Caps guessing of room passwords, join tokens and dial-in PINs: after
 * `failuresPerMinute` wrong tries from one address, or against one room,
 * further tries are refused (429 RATE_LIMITED, with Retry-After) for a
 * lock-out that doubles each time (1 min, 2, 4… up to an hour). A wrong
 * password and an unknown room get the very same answer, so the error never
 * tells whether a room exists. Each refusal is counted and logged, with the
 * room id and a digest of the address, never the secret tried.
 */
export class AttemptLimiter {
  readonly #failures;
  readonly #strikes;
  readonly #joins;
  readonly #options: Required<Omit<AttemptLimiterOptions, 'onRefused'>> &
    Pick<AttemptLimiterOptions, 'onRefused'>;

  constructor(options: AttemptLimiterOptions) {
    this.#options = { lockSeconds: 60, maxLockSeconds: 3600, ...options };
    const { backend } = options;
    this.#failures = createCounter(backend, {
      name: 'join-fail',
      points: options.failuresPerMinute,
      windowSeconds: 60,
    });
    // Lock-outs of one key within a day: the exponent of its back-off.
    this.#strikes = createCounter(backend, { name: 'join-strike', points: 1_000_000, windowSeconds: 86_400 });
    this.#joins = createCounter(backend, { name: 'join', points: options.joinsPerMinute, windowSeconds: 60 });
  }

  /** Runs `attempt` (which checks the secret) unless a cap refuses it; counts it if the secret was wrong. */
  async guard<T>(context: AttemptContext, attempt: () => Promise<T>): Promise<T> {
    const keys = [`addr:${context.address}`, `target:${context.target}`];
    try {
      await this.#joins.consume(`addr:${context.address}`);
    } catch (rejection) {
      const res = overLimit(rejection);
      if (!res) throw rejection;
      this.#refused(context, 'joins per address');
      throw new RateLimitedError('too many joins from your address; wait a moment', res.msBeforeNext / 1000);
    }
    for (const key of keys) {
      const res = await this.#failures.get(key);
      if (res && res.consumedPoints >= this.#options.failuresPerMinute) {
        this.#refused(context, key.startsWith('addr:') ? 'tries per address' : 'tries per room');
        throw new RateLimitedError('too many wrong tries; wait before trying again', res.msBeforeNext / 1000);
      }
    }
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof AppError) || !CREDENTIAL_FAILURES.has(error.code)) throw error;
      await Promise.all(keys.map((key) => this.#fail(key)));
      if (error.code === 'UNAUTHORIZED') throw error;
      throw new AppError('WRONG_PASSWORD', 'unknown room or wrong password');
    }
  }

  async #fail(key: string): Promise<void> {
    const res = await this.#failures.consume(key).catch((rejection: unknown) => {
      const over = overLimit(rejection);
      if (!over) throw rejection;
      return over;
    });
    if (res.consumedPoints < this.#options.failuresPerMinute) return;
    // The last allowed failure: lock the key, longer each time.
    const strike = await this.#strikes.consume(key);
    const seconds = Math.min(
      this.#options.lockSeconds * 2 ** (strike.consumedPoints - 1),
      this.#options.maxLockSeconds,
    );
    await this.#failures.block(key, seconds);
  }

  #refused(context: AttemptContext, cap: string): void {
    this.#options.onRefused?.();
    this.#options.log.warn(
      { cap, target: context.target, client: addressDigest(context.address) },
      'join attempt refused by a cap',
    );
  }
}

/** A short digest of a client address: lets an operator correlate lines without the log holding the address. */
function addressDigest(address: string): string {
  return createHash('sha256').update(address).digest('hex').slice(0, 12);
}
