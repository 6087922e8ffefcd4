/**
 * Whoever starts something in a test registers how to stop it; `stopAll`
 * (from afterEach) stops everything, newest first, and rethrows the first
 * failure only after every stop has run.
 */
export class Owned {
  readonly #stops: (() => unknown)[] = [];

  add<T>(resource: T, stop: (resource: T) => unknown): T {
    this.#stops.push(() => stop(resource));
    return resource;
  }

  async stopAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const stop of this.#stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
