import { AppError } from '../errors.js';

/**
 * A token bucket: `burst` actions at once, refilled at `perSecond`. Keeps a
 * chatty or hostile client from flooding a room through the server.
 */
export class RateLimit {
  #tokens: number;
  #last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = clock();
  }

  take(what: string): void {
    const now = this.clock();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < 1) throw new AppError('RATE_LIMITED', `too many ${what}; slow down`);
    this.#tokens -= 1;
  }
}
