import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/*
 * One way to build the counters every abuse cap uses: in Redis when there is
 * one (so every node counts the same attempts), in memory otherwise. A Redis
 * limiter falls back to a memory one while Redis is away, so an outage
 * neither opens the gates nor locks everybody out.
 */

export interface CounterSpec {
  /** Distinguishes the counters sharing one Redis ("join-fail", "rest"…). */
  name: string;
  /** Points per window. */
  points: number;
  windowSeconds: number;
}

export type LimiterBackend = { kind: 'memory' } | { kind: 'redis'; client: Redis; keyPrefix: string };

export function createCounter(backend: LimiterBackend, spec: CounterSpec): RateLimiterAbstract {
  const memory = new RateLimiterMemory({
    keyPrefix: spec.name,
    points: spec.points,
    duration: spec.windowSeconds,
  });
  if (backend.kind === 'memory') return memory;
  return new RateLimiterRedis({
    storeClient: backend.client,
    keyPrefix: `${backend.keyPrefix}limit:${spec.name}`,
    points: spec.points,
    duration: spec.windowSeconds,
    insuranceLimiter: memory,
  });
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when its store fails. */
export function overLimit(rejection: unknown): RateLimiterRes | null {
  return rejection instanceof RateLimiterRes ? rejection : null;
}
