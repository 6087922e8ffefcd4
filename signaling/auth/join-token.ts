import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AuthError } from '../errors.js';

/*
 * The one-click links carry this token: signed with SECRET_KEY, bound to
 * one appointment, its room and a role (the citizen, or the agent as host),
 * with a validity period. A different audience from agent tokens, so
 * neither can stand in for the other.
 */

const AUDIENCE = 'guichet:join';

export type JoinRole = 'citizen' | 'host';

const ClaimsSchema = z.object({
  apt: z.string().min(1),
  room: z.string().min(1),
  role: z.enum(['citizen', 'host']),
  nbf: z.number().int(),
  exp: z.number().int(),
});

export interface JoinTokenClaims {
  role: JoinRole;
  appointmentId: string;
  roomId: string;
  notBefore: number;
  expiresAt: number;
}

export class JoinTokens {
  readonly #secret: string;

  constructor(secretKey: string) {
    this.#secret = `guichet:join:${secretKey}`;
  }

  mint(role: JoinRole, appointmentId: string, roomId: string, validFrom: number, validUntil: number): string {
    return jwt.sign(
      {
        apt: appointmentId,
        room: roomId,
        role,
        nbf: Math.floor(validFrom / 1000),
        exp: Math.ceil(validUntil / 1000),
      },
      this.#secret,
      { algorithm: 'HS256', audience: AUDIENCE, noTimestamp: true },
    );
  }

  /**
   * Checks the signature only; the caller compares the validity period with
   * the appointment (it may have been rescheduled since) to show a friendly
   * "too early" or "over" page instead of a bare 401.
   */
  read(token: string): JoinTokenClaims | null {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.#secret, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        ignoreExpiration: true,
        ignoreNotBefore: true,
      });
    } catch {
      return null;
    }
    const claims = ClaimsSchema.safeParse(decoded);
    if (!claims.success) return null;
    return {
      role: claims.data.role,
      appointmentId: claims.data.apt,
      roomId: claims.data.room,
      notBefore: claims.data.nbf * 1000,
      expiresAt: claims.data.exp * 1000,
    };
  }

  /** For a join: a valid signature for this room, or AuthError. */
  verifyForRoom(token: string, roomId: string): JoinTokenClaims {
    const claims = this.read(token);
    if (!claims || claims.roomId !== roomId) throw new AuthError('invalid link');
    return claims;
  }
}

/** Agent tokens and join tokens both travel in `token`; a JWT's audience tells them apart without verifying. */
export function looksLikeJoinToken(token: string): boolean {
  const decoded = jwt.decode(token);
  return typeof decoded === 'object' && decoded !== null && decoded['aud'] === AUDIENCE;
}
