/**
 * Runs tasks one after another per key. Two joins racing for the same room
 * id must not both see "no room yet" and open two routers; queueing them on
 * the room id makes the second one find the first one's room.
 */
export class KeyedQueue<K> {
  readonly #tails = new Map<K, Promise<unknown>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task);
    // Keep the chain alive for waiters but swallow here: each caller gets its own result.
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  get size(): number {
    return this.#tails.size;
  }
}
