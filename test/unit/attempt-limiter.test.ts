import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { AppError, RateLimitedError } from '../../signaling/errors.js';
import { AttemptLimiter } from '../../signaling/security/attempt-limiter.js';

const wrong = async (): Promise<never> => {
  throw new AppError('WRONG_PASSWORD', 'wrong password for this room');
};
const unknownRoom = async (): Promise<never> => {
  throw new AppError('ROOM_NOT_FOUND', 'no room with this id');
};

const limiter = (over: Partial<ConstructorParameters<typeof AttemptLimiter>[0]> = {}) =>
  new AttemptLimiter({
    backend: { kind: 'memory' },
    failuresPerMinute: 5,
    joinsPerMinute: 1000,
    log: pino({ level: 'silent' }),
    ...over,
  });

/** The AppError a guarded attempt ends with. */
const errorOf = async (promise: Promise<unknown>): Promise<AppError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('AttemptLimiter (memory backend)', () => {
  it('answers a wrong password and an unknown room alike', async () => {
    const guard = limiter();
    const a = await errorOf(guard.guard({ address: '198.51.100.1', target: 'room-a' }, wrong));
    const b = await errorOf(guard.guard({ address: '198.51.100.2', target: 'room-b' }, unknownRoom));
    expect({ code: a.code, message: a.message, status: a.httpStatus }).toEqual({
      code: b.code,
      message: b.message,
      status: b.httpStatus,
    });
    expect(a.code).toBe('WRONG_PASSWORD');
  });

  it('locks an address after 5 wrong tries a minute, whatever the room, without running the check', async () => {
    let refused = 0;
    const guard = limiter({ onRefused: () => (refused += 1) });
    for (let i = 0; i < 5; i += 1) {
      expect((await errorOf(guard.guard({ address: '198.51.100.7', target: `room-${i}` }, wrong))).code).toBe(
        'WRONG_PASSWORD',
      );
    }
    const check = vi.fn(async () => 'granted');
    const locked = await errorOf(guard.guard({ address: '198.51.100.7', target: 'room-right' }, check));
    expect(locked).toBeInstanceOf(RateLimitedError);
    expect(locked.code).toBe('RATE_LIMITED');
    expect(locked.httpStatus).toBe(429);
    expect(locked.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(check).not.toHaveBeenCalled();
    expect(refused).toBe(1);
    // Another address is not concerned.
    expect(await guard.guard({ address: '198.51.100.8', target: 'room-right' }, check)).toBe('granted');
  });

  it('locks a room after 5 wrong tries a minute, whatever the address', async () => {
    const guard = limiter();
    for (let i = 0; i < 5; i += 1)
      await errorOf(guard.guard({ address: `203.0.113.${i}`, target: 'room-x' }, wrong));
    const locked = await errorOf(
      guard.guard({ address: '203.0.113.99', target: 'room-x' }, async () => 'ok'),
    );
    expect(locked.code).toBe('RATE_LIMITED');
  });

  it('doubles the lock-out each time', async () => {
    const guard = limiter({ lockSeconds: 1 });
    const context = { address: '192.0.2.5', target: 'room-y' };
    for (let i = 0; i < 5; i += 1) await errorOf(guard.guard(context, wrong));
    const first = await errorOf(guard.guard(context, wrong));
    expect(first.retryAfterSeconds).toBe(1);
    await vi.waitFor(
      async () => expect((await errorOf(guard.guard(context, wrong))).code).toBe('WRONG_PASSWORD'),
      {
        timeout: 3_000,
        interval: 100,
      },
    );
    for (let i = 0; i < 4; i += 1) await errorOf(guard.guard(context, wrong));
    const second = await errorOf(guard.guard(context, wrong));
    expect(second.code).toBe('RATE_LIMITED');
    expect(second.retryAfterSeconds).toBe(2);
  });

  it('does not count right secrets, nor errors that are not about the secret', async () => {
    const guard = limiter();
    const context = { address: '192.0.2.9', target: 'room-z' };
    for (let i = 0; i < 20; i += 1) expect(await guard.guard(context, async () => i)).toBe(i);
    const closed = async (): Promise<never> => {
      throw new AppError('ACCESS_CLOSED', 'this appointment is over');
    };
    for (let i = 0; i < 10; i += 1)
      expect((await errorOf(guard.guard(context, closed))).code).toBe('ACCESS_CLOSED');
  });

  it('caps joins per address, right or wrong', async () => {
    const guard = limiter({ joinsPerMinute: 3 });
    const context = { address: '192.0.2.77', target: 'room-j' };
    for (let i = 0; i < 3; i += 1) await guard.guard(context, async () => 'ok');
    expect((await errorOf(guard.guard(context, async () => 'ok'))).code).toBe('RATE_LIMITED');
  });
});
