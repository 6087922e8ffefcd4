import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../signaling/rooms/keyed-queue.js';

describe('KeyedQueue', () => {
  it('runs tasks of one key in order, other keys independently, and survives failures', async () => {
    const queue = new KeyedQueue<string>();
    const order: string[] = [];
    const task =
      (label: string, ms: number, fail = false) =>
      async () => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(label);
        if (fail) throw new Error(label);
        return label;
      };
    const results = await Promise.allSettled([
      queue.run('a', task('a1', 20)),
      queue.run('a', task('a2', 1, true)),
      queue.run('a', task('a3', 1)),
      queue.run('b', task('b1', 5)),
    ]);
    expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(queue.size).toBe(0);
  });
});
