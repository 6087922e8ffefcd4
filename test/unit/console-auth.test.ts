import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { loadConfig } from '../../server/config.js';
import { mapClaims } from '../../signaling/auth/oidc-claims.js';
import { hashPassword, verifyPassword } from '../../signaling/auth/password-hash.js';
import { waitingSince } from '../../signaling/console/waiting.js';
import { setSessionCookie } from '../../signaling/http/session-cookie.js';
import type { AuditEvent } from '../../signaling/store/store.js';

const event = (at: number, type: string, actor: string, detail: AuditEvent['detail']): AuditEvent => ({
  appointmentId: 'a',
  at,
  type,
  actor,
  detail,
});

describe('who is knocking, from the audit trail', () => {
  it('the earliest guest still in the lobby', () => {
    const events = [
      event(1, 'joined', 'host', { peerId: 'h', state: 'admitted' }),
      event(2, 'joined', 'guest', { peerId: 'g1', state: 'lobby' }),
      event(3, 'joined', 'guest', { peerId: 'g2', state: 'lobby' }),
    ];
    expect(waitingSince(events)).toBe(2);
    expect(waitingSince([...events, event(4, 'admitted', 'host', { peerId: 'g1', by: 'h' })])).toBe(3);
    expect(
      waitingSince([
        ...events,
        event(4, 'refused', 'host', { peerId: 'g1', by: 'h' }),
        event(5, 'left', 'guest', { peerId: 'g2' }),
      ]),
    ).toBeNull();
    expect(waitingSince([...events, event(9, 'ended', 'host', { by: 'h' })])).toBeNull();
    // Order of the list does not matter, time does.
    expect(waitingSince([...events].reverse())).toBe(2);
  });
});

describe('OpenID claims → agent', () => {
  const mapping = { id: 'sub', name: ['name'], role: 'role', adminValue: 'admin' };

  it('maps id, name and role; a list of roles (Keycloak) and several name parts (ProConnect)', () => {
    expect(mapClaims({ sub: 'u1', name: 'Alice Martin', role: 'admin' }, mapping)).toEqual({
      id: 'u1',
      name: 'Alice Martin',
      role: 'admin',
    });
    expect(
      mapClaims(
        {
          sub: 'u2',
          given_name: 'Jean',
          usual_name: 'Dupont',
          realm_access: { roles: ['x', 'guichet-admin'] },
        },
        {
          id: 'sub',
          name: ['given_name', 'usual_name'],
          role: 'realm_access.roles',
          adminValue: 'guichet-admin',
        },
      ),
    ).toEqual({ id: 'u2', name: 'Jean Dupont', role: 'admin' });
    expect(mapClaims({ sub: 'u3', role: 'boss' }, mapping)).toEqual({ id: 'u3', name: 'u3', role: 'agent' });
  });

  it('refuses a sign-in without a usable id', () => {
    expect(() => mapClaims({ name: 'x' }, mapping)).toThrow(/"sub"/);
    expect(() => mapClaims({ sub: 'x'.repeat(129) }, mapping)).toThrow(/"sub"/);
    // An inherited property is not a claim.
    expect(() => mapClaims({}, { ...mapping, id: 'constructor' })).toThrow();
  });
});

describe('password hashes', () => {
  it('verifies the right password only, and never a malformed hash', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batter', hash)).toBe(false);
    expect(await verifyPassword('correct horse battery', hash.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
    expect(await verifyPassword('', 'plain-text')).toBe(false);
  });
});

describe('console configuration', () => {
  it('OpenID needs its client; an http issuer is refused in production', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://idp.example.fr' })).toThrow(/OIDC_CLIENT_ID/);
    const config = loadConfig({
      OIDC_ISSUER: 'https://idp.example.fr/realms/x',
      OIDC_CLIENT_ID: 'guichet',
      OIDC_CLIENT_SECRET: 's',
      OIDC_NAME_CLAIMS: 'given_name, usual_name',
    });
    expect(config.console.oidc?.claims.name).toEqual(['given_name', 'usual_name']);
    expect(config.console.sessionTtlMinutes).toBe(600);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        OIDC_ISSUER: 'http://idp.example.fr',
        OIDC_CLIENT_ID: 'guichet',
        OIDC_CLIENT_SECRET: 's',
      }),
    ).toThrow(/OIDC_ISSUER: must be an https/);
  });
});

describe('the session cookie', () => {
  it('is Secure with the __Host- prefix in production, plain on http in development', async () => {
    const app = Fastify();
    app.get('/:secure', async (request, reply) => {
      setSessionCookie(
        reply,
        { secure: Reflect.get(request.params ?? {}, 'secure') === 'yes' },
        'tok',
        600_000,
      );
      return 'ok';
    });
    const secure = await app.inject('/yes');
    expect(secure.headers['set-cookie']).toBe(
      '__Host-guichet_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=600; Secure',
    );
    const plain = await app.inject('/no');
    expect(plain.headers['set-cookie']).toBe(
      'guichet_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=600',
    );
    await app.close();
  });
});
