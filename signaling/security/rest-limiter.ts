import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { RateLimitedError } from '../errors.js';
import { createCounter, overLimit, type LimiterBackend } from './limiter-factory.js';

export interface RestLimiterOptions {
  backend: LimiterBackend;
  /** REST calls per bearer token per minute (REST_CALLS_PER_MINUTE); calls without a token count per address. */
  callsPerMinute: number;
  onRefused?: () => void;
}

/**
 * REST calls per agent token: past the cap, 429 RATE_LIMITED with
 * Retry-After, counted in guichet_abuse_refused_total. The token itself is
 * never a key (a digest is), so a Redis dump holds no credential.
 */
export class RestLimiter {
  readonly #calls;
  readonly #onRefused: () => void;

  constructor(options: RestLimiterOptions) {
    this.#calls = createCounter(options.backend, {
      name: 'rest',
      points: options.callsPerMinute,
      windowSeconds: 60,
    });
    this.#onRefused = options.onRefused ?? (() => undefined);
  }

  /** Applies to /api/ routes only: pages, health checks and metrics are not agents' calls. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/api/')) return;
      const header = request.headers.authorization;
      const key =
        typeof header === 'string' && header.length > 0
          ? `token:${createHash('sha256').update(header).digest('base64url')}`
          : `addr:${request.ip}`;
      try {
        await this.#calls.consume(key);
      } catch (rejection) {
        const res = overLimit(rejection);
        if (!res) throw rejection;
        this.#onRefused();
        throw new RateLimitedError('too many API calls; slow down', res.msBeforeNext / 1000);
      }
    });
  }
}
