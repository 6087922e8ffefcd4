/*
 * Socket messages per connection. Every other cap (joins, producers, chat,
 * previews) is per kind of request; this one bounds what one connection may
 * make the server parse at all, whatever the event name, so a client cannot
 * keep a core busy with messages that are each refused cheaply.
 *
 * A token bucket: `burst` messages at once, then `perSecond`. Past it each
 * message is refused (RATE_LIMITED with the seconds until the next token),
 * and each refusal takes a "strike" from a second bucket of `floodStrikes`
 * that refills at the same rate: a client that briefly overshoots gets a few
 * refusals and goes on, one that keeps sending well past the cap (a burst of
 * `floodStrikes` refusals, or more than twice the rate for a while) runs out
 * of strikes and is disconnected.
 */

export interface MessageBudgetOptions {
  /** Messages accepted at once on a fresh connection. */
  burst: number;
  /** Sustained messages a second. */
  perSecond: number;
  /** Refusals (net of the refill) before the connection is closed. */
  floodStrikes: number;
}

export type MessageVerdict =
  { verdict: 'accept' } | { verdict: 'refuse'; retryAfterSeconds: number } | { verdict: 'disconnect' };

/** A normal call stays well under these (see docs/ARCHITECTURE.md, "Socket messages per connection"). */
export const DEFAULT_MESSAGE_BUDGET: MessageBudgetOptions = { burst: 100, perSecond: 20, floodStrikes: 200 };

export class MessageBudget {
  readonly #options: MessageBudgetOptions;
  readonly #clock: () => number;
  #tokens: number;
  #strikes: number;
  #last: number;
  #messages = 0;
  #refused = 0;
  #deepest = 0;

  constructor(options: MessageBudgetOptions = DEFAULT_MESSAGE_BUDGET, clock: () => number = Date.now) {
    const { burst, perSecond, floodStrikes } = options;
    if (!(burst >= 1 && perSecond > 0 && floodStrikes >= 1)) {
      throw new Error('MessageBudget: burst >= 1, perSecond > 0 and floodStrikes >= 1');
    }
    this.#options = options;
    this.#clock = clock;
    this.#tokens = burst;
    this.#strikes = floodStrikes;
    this.#last = clock();
  }

  /** One incoming message: accepted, refused, or the last straw. */
  take(): MessageVerdict {
    const { burst, perSecond, floodStrikes } = this.#options;
    const now = this.#clock();
    const refill = (Math.max(0, now - this.#last) / 1000) * perSecond;
    this.#last = now;
    this.#tokens = Math.min(burst, this.#tokens + refill);
    this.#strikes = Math.min(floodStrikes, this.#strikes + refill);
    this.#messages += 1;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#deepest = Math.max(this.#deepest, burst - this.#tokens);
      return { verdict: 'accept' };
    }
    this.#refused += 1;
    this.#strikes -= 1;
    if (this.#strikes < 0) return { verdict: 'disconnect' };
    return { verdict: 'refuse', retryAfterSeconds: (1 - this.#tokens) / perSecond };
  }

  /**
   * What this connection used: messages, refusals, and the deepest draw on
   * the bucket (how close it came to the cap; burst or more: it reached it).
   * Logged when the socket closes, to size the cap against real calls.
   */
  usage(): { messages: number; refused: number; deepestDraw: number } {
    return { messages: this.#messages, refused: this.#refused, deepestDraw: Math.ceil(this.#deepest) };
  }
}
