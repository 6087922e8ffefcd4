import { describe, expect, it } from 'vitest';
import { AppError } from '../../signaling/errors.js';
import { KeyedRateLimit, LobbyCap } from '../../signaling/security/room-caps.js';
import { ManualClock } from '../helpers/clock.js';

const thrown = (run: () => void): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
  }
  throw new Error('expected an AppError');
};

const codeOf = (run: () => void): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('KeyedRateLimit (previews per room)', () => {
  it('lets a burst through per room, then the refill rate, whoever sends', () => {
    const clock = new ManualClock(0);
    const previews = new KeyedRateLimit(10, 5, clock.now);
    for (let i = 0; i < 10; i += 1) expect(codeOf(() => previews.take('room-a', 'previews'))).toBeNull();
    expect(codeOf(() => previews.take('room-a', 'previews'))).toBe('RATE_LIMITED');
    // Another room has its own budget.
    expect(codeOf(() => previews.take('room-b', 'previews'))).toBeNull();
    clock.advance(200); // one token at 5/s
    expect(codeOf(() => previews.take('room-a', 'previews'))).toBeNull();
    expect(codeOf(() => previews.take('room-a', 'previews'))).toBe('RATE_LIMITED');
  });

  it('bounds a flood: 1,000 previews in 4 s let about 30 through', () => {
    const clock = new ManualClock(0);
    const previews = new KeyedRateLimit(10, 5, clock.now);
    let passed = 0;
    for (let i = 0; i < 1000; i += 1) {
      clock.advance(4);
      if (codeOf(() => previews.take('room-a', 'previews')) === null) passed += 1;
    }
    expect(passed).toBeGreaterThanOrEqual(29);
    expect(passed).toBeLessThanOrEqual(31);
  });

  it('says when to retry', () => {
    const clock = new ManualClock(0);
    const previews = new KeyedRateLimit(1, 2, clock.now);
    previews.take('r', 'previews');
    expect(thrown(() => previews.take('r', 'previews')).retryAfterSeconds).toBe(1);
  });

  it('forgets idle rooms', () => {
    const clock = new ManualClock(0);
    const previews = new KeyedRateLimit(2, 1, clock.now);
    for (let i = 0; i < 1100; i += 1) previews.take(`room-${i}`, 'previews');
    clock.advance(5_000);
    previews.take('room-late', 'previews');
    expect(previews.size).toBeLessThan(10);
  });
});

describe('LobbyCap', () => {
  it('refuses the knock past the cap with LOBBY_FULL (503, Retry-After)', () => {
    const cap = new LobbyCap(50);
    expect(codeOf(() => cap.check(49))).toBeNull();
    expect(codeOf(() => cap.check(50))).toBe('LOBBY_FULL');
    const full = thrown(() => cap.check(50));
    expect([full.httpStatus, full.retryAfterSeconds]).toEqual([503, 30]);
    expect(() => new LobbyCap(0)).toThrow();
  });
});
