import { describe, expect, it } from 'vitest';
import { RoomIdSchema } from '../../signaling/protocol/index.js';
import { generatePassword, generateRoomId, PasswordHasher } from '../../signaling/rooms/secrets.js';

describe('secrets', () => {
  it('generates readable passwords without ambiguous characters', () => {
    for (let i = 0; i < 200; i += 1) {
      expect(generatePassword()).toMatch(/^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$/);
    }
  });

  it('generates valid, distinct room ids', () => {
    const ids = new Set(Array.from({ length: 500 }, () => generateRoomId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(RoomIdSchema.safeParse(id).success).toBe(true);
  });

  it('matches a password however it is typed, and nothing else', () => {
    const hasher = new PasswordHasher('s'.repeat(32));
    const digest = hasher.digest('K7M-4QX-9TP');
    expect(hasher.matches('k7m 4qx 9tp', digest)).toBe(true);
    expect(hasher.matches('K7M4QX9TP', digest)).toBe(true);
    expect(hasher.matches('K7M-4QX-9TQ', digest)).toBe(false);
    expect(hasher.matches('', digest)).toBe(false);
    // Another server secret gives another digest: a leaked store alone is not enough.
    expect(new PasswordHasher('t'.repeat(32)).matches('K7M-4QX-9TP', digest)).toBe(false);
  });
});
