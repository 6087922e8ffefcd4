import { AppError } from '../errors.js';
import { RateLimit } from './rate-limit.js';

/**
 * What one member may hold and send. A browser needs a receive transport, a
 * send transport and, while sharing its screen, a third; one producer per
 * source (mic, camera, screen); and a consumer per remote track.
 */
export interface MemberCaps {
  transports: number;
  producers: number;
  consumers: number;
}

export const DEFAULT_MEMBER_CAPS: MemberCaps = { transports: 3, producers: 3, consumers: 100 };

/** One member's own budgets: caps on what it holds, rates on what it sends. */
export class MemberLimits {
  readonly caps: MemberCaps;
  // Chat: 5 at once, one a second after. Preview: a still every half second at most.
  readonly chat = new RateLimit(5, 1);
  readonly preview = new RateLimit(2, 2);
  // Document mode: a try says two or three things (failed, then the front camera back),
  // and a citizen may toggle it a few times; one every two seconds after that.
  readonly documentState = new RateLimit(6, 0.5);

  constructor(caps: MemberCaps = DEFAULT_MEMBER_CAPS) {
    this.caps = caps;
  }

  check(what: keyof MemberCaps, held: number): void {
    if (held >= this.caps[what]) {
      throw new AppError('LIMIT_REACHED', `at most ${this.caps[what]} ${what} per participant`);
    }
  }
}
