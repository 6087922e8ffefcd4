import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AuthError } from '../errors.js';

/*
 * The one-click links carry this token: bound to one appointment, its room
 * and a role (the citizen, or the agent as host), with a validity period,
 * and signed with SECRET_KEY. It is a compact binary format rather than a
 * JWT because it travels in SMS: 58 characters instead of about 330.
 *
 *   payload = version(1) role(1) notBefore(4, s) expiresAt(4, s) appointmentId(16, UUID bytes)
 *   token   = base64url(payload) "." base64url(HMAC-SHA-256(key, payload ‖ roomId)[0..16])
 *
 * The room id is signed but not carried: it is in the link's path already.
 */

const VERSION = 1;
const ROLES = ['citizen', 'host'] as const;
export type JoinRole = (typeof ROLES)[number];
const PAYLOAD_BYTES = 26;
const MAC_BYTES = 16;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{35}\.[A-Za-z0-9_-]{22}$/;
const UuidSchema = z.string().uuid();

export interface JoinTokenClaims {
  role: JoinRole;
  appointmentId: string;
  roomId: string;
  notBefore: number;
  expiresAt: number;
}

export class JoinTokens {
  readonly #key: Buffer;

  constructor(secretKey: string) {
    this.#key = createHmac('sha256', secretKey).update('guichet:join-token').digest();
  }

  mint(role: JoinRole, appointmentId: string, roomId: string, validFrom: number, validUntil: number): string {
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeUInt8(VERSION, 0);
    payload.writeUInt8(ROLES.indexOf(role), 1);
    payload.writeUInt32BE(Math.floor(validFrom / 1000), 2);
    payload.writeUInt32BE(Math.ceil(validUntil / 1000), 6);
    Buffer.from(UuidSchema.parse(appointmentId).replace(/-/g, ''), 'hex').copy(payload, 10);
    return `${payload.toString('base64url')}.${this.#mac(payload, roomId).toString('base64url')}`;
  }

  /**
   * Checks the signature for this room only; the caller compares the
   * validity period with the appointment (it may have been rescheduled) to
   * show a friendly "too early" or "over" page instead of a bare 401.
   */
  read(token: string, roomId: string): JoinTokenClaims | null {
    if (!TOKEN_SHAPE.test(token)) return null;
    const [payloadText = '', macText = ''] = token.split('.');
    const payload = Buffer.from(payloadText, 'base64url');
    const mac = Buffer.from(macText, 'base64url');
    if (payload.length !== PAYLOAD_BYTES || mac.length !== MAC_BYTES) return null;
    if (!timingSafeEqual(mac, this.#mac(payload, roomId))) return null;
    const role = ROLES[payload.readUInt8(1)];
    if (payload.readUInt8(0) !== VERSION || role === undefined) return null;
    const hex = payload.subarray(10).toString('hex');
    return {
      role,
      appointmentId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
      roomId,
      notBefore: payload.readUInt32BE(2) * 1000,
      expiresAt: payload.readUInt32BE(6) * 1000,
    };
  }

  /** For a join: a valid signature for this room, or AuthError. */
  verifyForRoom(token: string, roomId: string): JoinTokenClaims {
    const claims = this.read(token, roomId);
    if (!claims) throw new AuthError('invalid link');
    return claims;
  }

  #mac(payload: Buffer, roomId: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).update(roomId).digest().subarray(0, MAC_BYTES);
  }
}

/** Agent JWTs have three dot-separated parts; join tokens have two. */
export function looksLikeJoinToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
