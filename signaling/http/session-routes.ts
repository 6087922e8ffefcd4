import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Agent } from '../auth/agent-auth.js';
import type { LocalAccounts } from '../auth/local-accounts.js';
import type { OidcSignIn } from '../auth/oidc.js';
import { agentOf, type Sessions } from '../auth/sessions.js';
import { SignInThrottle } from '../auth/sign-in-throttle.js';
import { AppError, AuthError } from '../errors.js';
import { LocalSignInBodySchema, type SessionView, type SignInOptions } from '../protocol/console.js';
import type { SessionRecord } from '../store/account-store.js';
import { parseOrThrow } from '../validation.js';
import { checkOrigin, type ConsoleAuth } from './console-auth.js';
import { clearSessionCookie, setSessionCookie, type CookiePolicy } from './session-cookie.js';

export interface SessionRoutesDeps {
  auth: ConsoleAuth;
  sessions: Sessions;
  cookie: CookiePolicy;
  /** null: local accounts are off (LOCAL_ACCOUNTS=false). */
  accounts: LocalAccounts | null;
  oidc: { signIn: OidcSignIn; label: string } | null;
  origin: () => string;
  log: Logger;
}

export const OIDC_LOGIN_PATH = '/agent/oidc/login';
export const OIDC_CALLBACK_PATH = '/agent/oidc/callback';

const view = (record: Pick<SessionRecord, 'via' | 'csrfToken' | 'expiresAt'>, agent: Agent): SessionView => ({
  agent,
  via: record.via,
  csrfToken: record.csrfToken,
  expiresAt: new Date(record.expiresAt).toISOString(),
});

/**
 * Signing in and out of the console: a local account (form) or the
 * organisation's OpenID provider (redirect), both ending in the same
 * server-side session behind an httpOnly cookie.
 */
export function registerSessionRoutes(app: FastifyInstance, deps: SessionRoutesDeps): void {
  const { auth, sessions, cookie, log } = deps;
  const throttle = new SignInThrottle();

  const open = async (reply: FastifyReply, agent: Agent, via: SessionRecord['via']): Promise<SessionView> => {
    const opened = await sessions.open(agent, via);
    setSessionCookie(reply, cookie, opened.token, sessions.ttlMs);
    reply.header('cache-control', 'no-store');
    log.info({ agentId: agent.id, via }, 'agent signed in');
    return view({ via, csrfToken: opened.csrfToken, expiresAt: opened.expiresAt }, agent);
  };

  app.get('/api/v1/session/options', async (): Promise<SignInOptions> => ({
    local: deps.accounts !== null,
    oidc: deps.oidc ? { label: deps.oidc.label, url: OIDC_LOGIN_PATH } : null,
  }));

  app.post('/api/v1/session', async (request, reply) => {
    // Login CSRF: a cross-site page must not sign the browser in as someone else.
    checkOrigin(request, deps.origin());
    if (!deps.accounts) throw new AppError('FORBIDDEN', 'local accounts are disabled on this server');
    const body = parseOrThrow(LocalSignInBodySchema, request.body ?? {}, 'VALIDATION_FAILED');
    throttle.check(body.id);
    const agent = await deps.accounts.verify(body.id, body.password);
    if (!agent) {
      throttle.failed(body.id);
      log.info({ reason: 'bad-credentials' }, 'agent sign-in refused');
      throw new AuthError('wrong identifier or password');
    }
    return reply.status(201).send(await open(reply, agent, 'local'));
  });

  app.get('/api/v1/session', async (request, reply) => {
    const found = await auth.session(request);
    if (!found) throw new AuthError('not signed in, or the session expired');
    reply.header('cache-control', 'no-store');
    return view(found.record, agentOf(found.record));
  });

  app.delete('/api/v1/session', async (request, reply) => {
    const found = await auth.session(request);
    if (found) {
      auth.checkCsrf(request, found.record);
      await sessions.close(found.token);
      log.info({ agentId: found.record.agentId }, 'agent signed out');
    }
    clearSessionCookie(reply, cookie);
    return reply.status(204).send();
  });

  const oidc = deps.oidc;
  if (!oidc) return;

  app.get(OIDC_LOGIN_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.redirect(await oidc.signIn.start(), 303);
  });

  app.get(OIDC_CALLBACK_PATH, async (request, reply) => {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    try {
      const agent = await oidc.signIn.finish(query);
      await open(reply, agent, 'oidc');
      return reply.redirect('/agent', 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      log.info({ reason: error.message }, 'OpenID sign-in refused');
      return reply.redirect('/agent?signin=failed', 303);
    }
  });
}
