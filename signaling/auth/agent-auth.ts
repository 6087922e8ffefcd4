import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AuthError } from '../errors.js';

/*
 * Agent authentication: a bearer JWT signed by the operator's identity
 * system (or `npm run token` in development). The algorithm is pinned so a
 * token can't pick its own ("alg: none", or HS256 signed with a public key).
 */

export const AgentClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().min(1).max(128).optional(),
  role: z.enum(['agent', 'admin']).default('agent'),
  exp: z.number().int(),
});

export interface Agent {
  id: string;
  name: string;
  role: 'agent' | 'admin';
}

export interface AgentAuthOptions {
  /** HS256 with a shared secret, or RS256/ES256 with the identity provider's public key (PEM). */
  algorithm: 'HS256' | 'RS256' | 'ES256';
  /** The HS256 secret, or the PEM public key for RS256/ES256. */
  key: string;
  issuer?: string;
  audience?: string;
}

export class AgentAuth {
  readonly #options: AgentAuthOptions;
  /**
   * The key, parsed once: given a string, jsonwebtoken tries to parse it as a
   * public key on every call (and fails, for an HS256 secret) before using it.
   */
  readonly #key: KeyObject;

  constructor(options: AgentAuthOptions) {
    this.#options = options;
    this.#key =
      options.algorithm === 'HS256'
        ? createSecretKey(Buffer.from(options.key, 'utf8'))
        : createPublicKey(options.key);
  }

  /** Verify a raw token; throws AuthError (401) with a reason safe to show. */
  verify(token: string): Agent {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.#key, {
        algorithms: [this.#options.algorithm],
        ...(this.#options.issuer ? { issuer: this.#options.issuer } : {}),
        ...(this.#options.audience ? { audience: this.#options.audience } : {}),
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new AuthError('token expired');
      throw new AuthError('invalid token');
    }
    const claims = AgentClaimsSchema.safeParse(decoded);
    if (!claims.success) throw new AuthError('token lacks required claims (sub, exp)');
    return { id: claims.data.sub, name: claims.data.name ?? claims.data.sub, role: claims.data.role };
  }

  /** `Authorization: Bearer <jwt>` → Agent. */
  verifyHeader(header: string | undefined): Agent {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) throw new AuthError('missing bearer token');
    return this.verify(match[1]);
  }

  /** For tests and `npm run token`: a token this instance accepts (HS256 only: we never hold a private key). */
  mint(agent: { id: string; name?: string; role?: 'agent' | 'admin' }, ttlSeconds = 3600): string {
    if (this.#options.algorithm !== 'HS256')
      throw new Error('tokens can only be minted with an HS256 secret');
    return jwt.sign({ sub: agent.id, name: agent.name ?? agent.id, role: agent.role ?? 'agent' }, this.#key, {
      algorithm: 'HS256',
      expiresIn: ttlSeconds,
      ...(this.#options.issuer ? { issuer: this.#options.issuer } : {}),
      ...(this.#options.audience ? { audience: this.#options.audience } : {}),
    });
  }
}
