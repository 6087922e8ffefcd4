/*
 * Getting our place back after the signaling connection dropped. The server
 * keeps it for 20 s (RoomService's grace); we try again and again within
 * slightly less, quickly at first since most drops are a blip.
 */

import { errorCodeOf } from './errors.js';

export const RESUME_WINDOW_MS = 18_000;

/** Passing failures (the network, a server restarting) are worth another try; a refusal is not. */
export function canResume(error: unknown): boolean {
  const code = errorCodeOf(error);
  return (
    code === undefined ||
    code === 'NETWORK' ||
    code === 'TIMEOUT' ||
    code === 'SHUTTING_DOWN' ||
    code === 'MEDIA_ERROR' ||
    code === 'BAD_RESPONSE'
  );
}
const DELAYS_MS: readonly number[] = [0, 500, 1_000, 2_000];

/**
 * Runs `attempt` until it succeeds, `canRetry` says no, or the window is
 * over. Resolves true on success; never rejects.
 */
export async function retryWithin(
  attempt: () => Promise<void>,
  canRetry: (error: unknown) => boolean,
  windowMs = RESUME_WINDOW_MS,
  now: () => number = () => performance.now(),
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<boolean> {
  const deadline = now() + windowMs;
  for (let i = 0; ; i += 1) {
    try {
      await attempt();
      return true;
    } catch (error) {
      const delay = DELAYS_MS[i + 1] ?? DELAYS_MS[DELAYS_MS.length - 1] ?? 1_000;
      if (!canRetry(error) || now() + delay >= deadline) return false;
      await wait(delay);
    }
  }
}
