import { describe, expect, it } from 'vitest';
import { RETRY_DELAYS_MS, retryDelayMs } from './retry.js';

const noJitter = (): number => 0.5;

describe('retryDelayMs', () => {
  it('retries MEDIA_ERROR with growing delays, then gives up', () => {
    const delays = RETRY_DELAYS_MS.map((_, attempt) => retryDelayMs('MEDIA_ERROR', attempt, false, noJitter));
    expect(delays).toEqual([...RETRY_DELAYS_MS]);
    expect(retryDelayMs('MEDIA_ERROR', RETRY_DELAYS_MS.length, false, noJitter)).toBeUndefined();
  });

  it('retries network trouble only for automatic rejoins', () => {
    expect(retryDelayMs('NETWORK', 0, false)).toBeUndefined();
    expect(retryDelayMs('NETWORK', 0, true, noJitter)).toBe(1_000);
    expect(retryDelayMs('SHUTTING_DOWN', 1, true, noJitter)).toBe(2_000);
  });

  it('never retries what the user must fix', () => {
    for (const code of ['WRONG_PASSWORD', 'ROOM_NOT_FOUND', 'PROTOCOL_VERSION', 'INVALID_PAYLOAD'] as const) {
      expect(retryDelayMs(code, 0, true)).toBeUndefined();
    }
    expect(retryDelayMs(undefined, 0, true)).toBeUndefined();
  });

  it('jitters by ±20 %', () => {
    expect(retryDelayMs('MEDIA_ERROR', 0, false, () => 0)).toBe(800);
    expect(retryDelayMs('MEDIA_ERROR', 0, false, () => 1)).toBe(1_200);
  });
});
