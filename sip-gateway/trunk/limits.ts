/**
 * Sliding-window counters: INVITEs per source address (flood → 503) and
 * wrong PINs per caller and per trunk (so the 10⁶ PIN space can't be walked
 * across calls). In memory: one gateway process; see docs/ARCHITECTURE.md.
 */
export class WindowCounter {
  readonly #hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly now: () => number = Date.now,
  ) {}

  #recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (hits.length) this.#hits.set(key, hits);
    else this.#hits.delete(key);
    return hits;
  }

  /** True when the key is already at its limit (nothing recorded). */
  exceeded(key: string): boolean {
    return this.#recent(key).length >= this.limit;
  }

  /** Records one hit; false (and nothing recorded) when that would pass the limit. */
  take(key: string): boolean {
    const hits = this.#recent(key);
    if (hits.length >= this.limit) return false;
    hits.push(this.now());
    this.#hits.set(key, hits);
    return true;
  }

  record(key: string): void {
    const hits = this.#recent(key);
    hits.push(this.now());
    this.#hits.set(key, hits);
  }
}
