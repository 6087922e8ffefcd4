import type { FastifyRequest } from 'fastify';
import type { Agent, AgentAuth } from '../auth/agent-auth.js';
import { agentOf, sameSecret, type Sessions } from '../auth/sessions.js';
import { AppError, AuthError } from '../errors.js';
import type { SessionRecord } from '../store/account-store.js';
import { readCookie, sessionCookieName, type CookiePolicy } from './session-cookie.js';

/** Who is calling: a booking tool with a bearer JWT, or the console with its session cookie. */
export type AuthenticateAgent = (request: FastifyRequest) => Promise<Agent>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

export class CsrfError extends AppError {
  constructor(message: string) {
    super('FORBIDDEN', message);
    this.name = 'CsrfError';
  }
}

/**
 * A state change from a browser must come from our own pages: its Origin,
 * when the browser sends one, is ours ("null", from a sandboxed or
 * no-referrer page elsewhere, is not), and it carries the session's CSRF
 * token in a header, which a cross-site form cannot set.
 */
export function checkOrigin(request: FastifyRequest, expectedOrigin: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== expectedOrigin) {
    throw new CsrfError('cross-site request refused');
  }
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new CsrfError('cross-site request refused');
}

export interface ConsoleAuthDeps {
  agents: AgentAuth;
  sessions: Sessions;
  cookie: CookiePolicy;
  /** Origin of PUBLIC_URL (or of the bound address in development). */
  origin: () => string;
}

export class ConsoleAuth {
  constructor(private readonly deps: ConsoleAuthDeps) {}

  /** The session behind the request's cookie, or null (no cookie, unknown, expired). */
  async session(request: FastifyRequest): Promise<{ token: string; record: SessionRecord } | null> {
    const token = readCookie(request, sessionCookieName(this.deps.cookie));
    if (!token) return null;
    const record = await this.deps.sessions.find(token);
    return record ? { token, record } : null;
  }

  /** Checks Origin and the CSRF token of a state change made with the session. */
  checkCsrf(request: FastifyRequest, record: SessionRecord): void {
    if (SAFE_METHODS.has(request.method)) return;
    checkOrigin(request, this.deps.origin());
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, record.csrfToken)) {
      throw new CsrfError('missing or wrong CSRF token');
    }
  }

  /** Bearer JWT when an Authorization header is present; otherwise the session, CSRF-checked. */
  readonly authenticate: AuthenticateAgent = async (request) => {
    if (request.headers.authorization !== undefined) {
      return this.deps.agents.verifyHeader(request.headers.authorization);
    }
    const found = await this.session(request);
    if (!found) throw new AuthError('sign in again: no session, or it expired');
    this.checkCsrf(request, found.record);
    return agentOf(found.record);
  };
}
