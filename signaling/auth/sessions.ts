import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountStore, SessionRecord } from '../store/account-store.js';
import type { Agent } from './agent-auth.js';

export interface SessionOptions {
  /** How long a sign-in lasts (absolute: the agent signs in again after it, even if active). */
  ttlMs: number;
  clock: () => number;
}

export interface OpenedSession {
  /** The cookie value; only its digest is stored. */
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export const digestOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Console sessions, kept server-side (AccountStore): the browser holds a
 * random 256-bit token in an httpOnly cookie, the store holds its digest,
 * the agent and a CSRF token. Signing out deletes the record, so a copied
 * cookie stops working at once.
 */
export class Sessions {
  constructor(
    private readonly store: AccountStore,
    private readonly options: SessionOptions,
  ) {}

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  async open(agent: Agent, via: SessionRecord['via']): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.options.clock();
    const expiresAt = now + this.options.ttlMs;
    await this.store.createSession({
      digest: digestOf(token),
      agentId: agent.id,
      agentName: agent.name,
      role: agent.role,
      via,
      csrfToken,
      createdAt: now,
      expiresAt,
    });
    return { token, csrfToken, expiresAt };
  }

  async find(token: string): Promise<SessionRecord | null> {
    if (token.length > 128) return null;
    return this.store.getSession(digestOf(token), this.options.clock());
  }

  async close(token: string): Promise<void> {
    await this.store.deleteSession(digestOf(token));
  }
}

export function agentOf(session: SessionRecord): Agent {
  return { id: session.agentId, name: session.agentName, role: session.role };
}

/** Constant-time string equality (the CSRF token check). */
export function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length === y.length && timingSafeEqual(x, y);
}
