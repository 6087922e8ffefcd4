import { describe, expect, it } from 'vitest';
import { retryWithin } from './resume.js';

function clock(): { now: () => number; wait: (ms: number) => Promise<void> } {
  let t = 0;
  return {
    now: () => t,
    wait: async (ms) => {
      t += ms;
    },
  };
}

describe('retryWithin', () => {
  it('retries until an attempt succeeds', async () => {
    let calls = 0;
    const c = clock();
    const ok = await retryWithin(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('down');
      },
      () => true,
      18_000,
      c.now,
      c.wait,
    );
    expect(ok).toBe(true);
    expect(calls).toBe(3);
  });

  it('gives up on an error that cannot be retried', async () => {
    let calls = 0;
    const c = clock();
    const ok = await retryWithin(
      async () => {
        calls += 1;
        throw new Error('refused');
      },
      () => false,
      18_000,
      c.now,
      c.wait,
    );
    expect(ok).toBe(false);
    expect(calls).toBe(1);
  });

  it('gives up once the window is over', async () => {
    const c = clock();
    const ok = await retryWithin(
      () => Promise.reject(new Error('down')),
      () => true,
      5_000,
      c.now,
      c.wait,
    );
    expect(ok).toBe(false);
    expect(c.now()).toBeLessThan(5_000);
  });
});
