import { describe, expect, it } from 'vitest';
import { QualityGuard, limitFor, stepFor } from './quality-guard.js';

describe('audio first on a poor link', () => {
  it('maps the estimate to a step, and caps video under it', () => {
    expect(stepFor(2000)).toBe('full');
    expect(stepFor(600)).toBe('medium');
    expect(stepFor(300)).toBe('low');
    expect(stepFor(120)).toBe('paused');
    expect(limitFor('medium', 600)).toEqual({ maxLayer: 1, maxBitrate: 400_000, paused: false });
    expect(limitFor('medium', 200).maxBitrate).toBe(150_000);
    expect(limitFor('full', 3000).maxBitrate).toBeUndefined();
    expect(limitFor('paused', 100).paused).toBe(true);
  });

  it('goes down at once, and up one step after three good samples', () => {
    const guard = new QualityGuard();
    expect(guard.sample(2000)).toBeUndefined();
    expect(guard.sample(300)).toBe('low');
    expect(guard.sample(2000)).toBeUndefined();
    expect(guard.sample(2000)).toBeUndefined();
    expect(guard.sample(2000)).toBe('medium');
    guard.sample(2000);
    guard.sample(2000);
    expect(guard.sample(2000)).toBe('full');
    expect(guard.sample(undefined)).toBeUndefined();
  });

  it('retries a paused video less and less often while the retries fail, and keeps one that lifts the estimate', () => {
    const guard = new QualityGuard();
    expect(guard.sample(100)).toBe('paused');
    for (let i = 0; i < 7; i += 1) expect(guard.sample(80)).toBeUndefined();
    expect(guard.sample(80)).toBe('low');
    // The estimate falls under the retry: paused again, and the next retry waits twice as long.
    expect(guard.sample(60)).toBe('paused');
    for (let i = 0; i < 15; i += 1) expect(guard.sample(80)).toBeUndefined();
    expect(guard.sample(80)).toBe('low');
    expect(guard.sample(60)).toBe('paused');
    // An estimate near the threshold while only sound goes out: the link has room, retry at once.
    expect(guard.sample(80)).toBeUndefined();
    expect(guard.sample(120)).toBe('low');
    // This time the link is free: the estimate climbs past the threshold and video stays.
    expect(guard.sample(125)).toBeUndefined();
    expect(guard.sample(140)).toBeUndefined();
    expect(guard.sample(200)).toBeUndefined();
    expect(guard.step).toBe('low');
    guard.sample(500);
    guard.sample(500);
    expect(guard.sample(500)).toBe('medium');
  });
});
