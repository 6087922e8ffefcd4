import { AppError } from '../errors.js';

/**
 * Slows password guessing on local accounts: after `maxFailures` wrong
 * passwords for one identifier within `windowMs`, that identifier is refused
 * (429) until the window passes, whatever the password. Successful sign-ins
 * don't count. Kept per node, in memory: a bound, not an account lock an
 * attacker could use to keep an agent out for long.
 */
export class SignInThrottle {
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws RATE_LIMITED while the identifier is held back. */
  check(id: string): void {
    const entry = this.#failures.get(id);
    if (!entry) return;
    if (this.clock() - entry.since >= this.windowMs) {
      this.#failures.delete(id);
      return;
    }
    if (entry.count >= this.maxFailures) {
      throw new AppError('RATE_LIMITED', 'too many failed sign-ins; try again in a few minutes');
    }
  }

  failed(id: string): void {
    const now = this.clock();
    // An attacker spraying identifiers must not grow the map without bound.
    if (this.#failures.size > 10_000) this.#failures.clear();
    const entry = this.#failures.get(id);
    if (!entry || now - entry.since >= this.windowMs) this.#failures.set(id, { count: 1, since: now });
    else entry.count += 1;
  }
}
