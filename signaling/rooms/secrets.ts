import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { RoomIdSchema, type RoomId } from '../protocol/index.js';

/*
 * Room ids and passwords. Both are generated, never chosen by a person, so
 * they carry enough entropy that a keyed hash (HMAC-SHA-256 with a server
 * secret) is the right way to store the password: a slow KDF would only
 * slow down joins, while the secret keeps a leaked store from being
 * brute-forced offline.
 */

// No 0/O, 1/I/L: the citizen may read the password aloud or type it from an SMS.
const PASSWORD_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const ROOM_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** e.g. "K7M-4QX-9TP": 9 symbols from 31, about 44.6 bits. */
export function generatePassword(): string {
  return [pick(PASSWORD_ALPHABET, 3), pick(PASSWORD_ALPHABET, 3), pick(PASSWORD_ALPHABET, 3)].join('-');
}

/** e.g. "qm4t-x8rk-2hzp": 12 symbols from 32, 60 bits; unguessable, still readable. */
export function generateRoomId(): RoomId {
  return RoomIdSchema.parse(
    [pick(ROOM_ALPHABET, 4), pick(ROOM_ALPHABET, 4), pick(ROOM_ALPHABET, 4)].join('-'),
  );
}

/** People type passwords with spaces, lowercase or without dashes; all of that still matches. */
export function normalisePassword(input: string): string {
  return input.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export class PasswordHasher {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = Buffer.from(secret, 'utf8');
  }

  digest(password: string): string {
    return createHmac('sha256', this.#key).update(normalisePassword(password)).digest('base64url');
  }

  /** Constant-time: the comparison never tells how many leading bytes were right. */
  matches(password: string, storedDigest: string): boolean {
    const given = Buffer.from(this.digest(password), 'base64url');
    const stored = Buffer.from(storedDigest, 'base64url');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }
}

export function randomToken(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
