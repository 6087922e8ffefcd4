import type { ErrorCode } from '../../signaling/protocol/index.js';
import type { ClientErrorCode } from './errors.js';

/** Waits between join attempts; the last is long enough for a worker respawn with backoff. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 8_000];

/**
 * How long to wait before trying a failed join again, or undefined to give
 * up and show the error. MEDIA_ERROR means the server's media side is
 * restarting and says to try again; network-type failures are retried only
 * for a rejoin the page started by itself (after a `reconnect` event), never
 * to second-guess a click. Jitter (±20 %) keeps a room's peers from all
 * coming back in the same instant.
 */
export function retryDelayMs(
  code: ErrorCode | ClientErrorCode | undefined,
  attempt: number,
  automatic: boolean,
  random: () => number = Math.random,
): number | undefined {
  const transient =
    code === 'MEDIA_ERROR' ||
    (automatic && (code === 'NETWORK' || code === 'TIMEOUT' || code === 'SHUTTING_DOWN'));
  const base = RETRY_DELAYS_MS[attempt];
  if (!transient || base === undefined) return undefined;
  return Math.round(base * (0.8 + 0.4 * random()));
}
