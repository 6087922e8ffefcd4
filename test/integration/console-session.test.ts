import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgendaSchema, FeedViewSchema, SessionViewSchema } from '../../signaling/protocol/console.js';
import { AppointmentViewSchema } from '../../signaling/protocol/index.js';
import { LocalAccounts } from '../../signaling/auth/local-accounts.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * The console's sessions against the real server: local accounts created
 * with the real CLI (stdin password), the cookie's attributes, CSRF refusals,
 * expiry by the server's clock, sign-out, another agent's appointment, the
 * resend and the calendar feed.
 */

const PASSWORD = 'correct horse battery staple';

function runCli(
  dataDir: string,
  args: string[],
  stdin: string,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/agent-cli.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(stdin);
  });
}

describe('agent console sessions', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T08:00:00Z'));
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-console-'));
  let server: TestServer;
  let origin: string;

  beforeAll(async () => {
    for (const [id, name, role] of [
      ['alice', 'Alice Martin', 'agent'],
      ['bob', 'Bob Durand', 'agent'],
    ] as const) {
      const result = await runCli(dataDir, ['add', id, '--name', name, '--role', role], `${PASSWORD}\n`);
      expect(result.out).toContain(`created ${id}`);
      expect(result.code).toBe(0);
    }
    server = await startTestServer(
      { DATA_DIR: dataDir, SESSION_TTL_MINUTES: '60' },
      { clock: clock.now, runScheduler: false },
    );
    origin = new URL(server.baseUrl).origin;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(id: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const response = await fetch(`${server.baseUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ id, password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    const setCookie = response.headers.get('set-cookie') ?? '';
    const session = SessionViewSchema.parse(await response.json());
    return { cookie: setCookie.split(';')[0] ?? '', csrf: session.csrfToken, setCookie };
  }

  const call = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text && text.startsWith('{') ? JSON.parse(text) : text };
  };

  const booking = {
    startsAt: '2026-12-03T14:30:00+01:00',
    durationMinutes: 30,
    citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
    channels: ['email'],
    note: 'Dossier CAF 42',
  };

  it('the CLI refuses a short password and a bad role, and lists accounts without hashes', async () => {
    const short = await runCli(dataDir, ['add', 'carol', '--name', 'Carol'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.out).toContain('at least 12 characters');
    const role = await runCli(
      dataDir,
      ['add', 'carol', '--name', 'Carol', '--role', 'boss'],
      `${PASSWORD}\n`,
    );
    expect(role.code).toBe(1);
    const list = await runCli(dataDir, ['list'], '');
    expect(list.out).toBe('alice\tagent\tAlice Martin\nbob\tagent\tBob Durand\n');
  });

  it('signs in with a local account: httpOnly, SameSite=Lax cookie with the lifetime; wrong password refused', async () => {
    const wrong = await call('POST', '/api/v1/session', { origin }, { id: 'alice', password: 'nope' });
    expect(wrong.status).toBe(401);
    const unknown = await call('POST', '/api/v1/session', { origin }, { id: 'zoe', password: PASSWORD });
    expect(unknown.status).toBe(401);
    const { setCookie, cookie } = await signIn('alice');
    expect(setCookie).toMatch(
      /^guichet_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/,
    );
    const me = await call('GET', '/api/v1/session', { cookie });
    expect(SessionViewSchema.parse(me.json).agent).toEqual({
      id: 'alice',
      name: 'Alice Martin',
      role: 'agent',
    });
  });

  it('after ten wrong passwords for one identifier, even the right one is held back (429)', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect(
        (await call('POST', '/api/v1/session', { origin }, { id: 'mallory', password: `guess ${i}` })).status,
      ).toBe(401);
    }
    const held = await call('POST', '/api/v1/session', { origin }, { id: 'mallory', password: PASSWORD });
    expect(held.status).toBe(429);
    // Another identifier is not affected.
    expect(
      (await call('POST', '/api/v1/session', { origin }, { id: 'bob', password: PASSWORD })).status,
    ).toBe(201);
  });

  it('refuses a state change without the CSRF token, or from another origin; accepts it from the console', async () => {
    const { cookie, csrf } = await signIn('alice');
    const noToken = await call('POST', '/api/v1/appointments', { cookie, origin }, booking);
    expect(noToken.status).toBe(403);
    const wrongToken = await call(
      'POST',
      '/api/v1/appointments',
      { cookie, origin, 'x-csrf-token': 'x'.repeat(43) },
      booking,
    );
    expect(wrongToken.status).toBe(403);
    const crossSite = await call(
      'POST',
      '/api/v1/appointments',
      { cookie, origin: 'http://evil.example', 'x-csrf-token': csrf },
      booking,
    );
    expect(crossSite.status).toBe(403);
    // What a cross-site <form enctype="text/plain"> would send, were the cookie attached.
    const form = await fetch(`${server.baseUrl}/api/v1/appointments`, {
      method: 'POST',
      headers: { cookie, origin: 'null', 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify(booking),
    });
    expect(form.status).toBe(403);
    expect((await call('GET', '/api/v1/appointments', { cookie })).json).toEqual({ items: [] });

    const booked = await call(
      'POST',
      '/api/v1/appointments',
      { cookie, origin, 'x-csrf-token': csrf },
      booking,
    );
    expect(booked.status).toBe(201);
    expect(AppointmentViewSchema.parse(booked.json).agent).toEqual({ id: 'alice', name: 'Alice Martin' });
    // Booking tools keep their bearer JWT, no cookie, no CSRF token.
    const bearer = await call('GET', '/api/v1/appointments', {
      authorization: `Bearer ${server.agentToken('alice')}`,
    });
    expect(z.object({ items: z.array(z.unknown()) }).parse(bearer.json).items).toHaveLength(1);
  });

  it("another agent's appointment is not in their agenda and is a 404 to them, resend included", async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const view = AppointmentViewSchema.parse(
      (
        await call(
          'POST',
          '/api/v1/appointments',
          { cookie: alice.cookie, origin, 'x-csrf-token': alice.csrf },
          booking,
        )
      ).json,
    );
    const range = '?from=2026-12-03T00:00:00%2B01:00&to=2026-12-04T00:00:00%2B01:00';
    const bobs = AgendaSchema.parse(
      (await call('GET', `/api/v1/console/agenda${range}`, { cookie: bob.cookie })).json,
    );
    expect(bobs.items.map((i) => i.id)).not.toContain(view.id);
    const alices = AgendaSchema.parse(
      (await call('GET', `/api/v1/console/agenda${range}`, { cookie: alice.cookie })).json,
    );
    expect(alices.items.find((i) => i.id === view.id)).toMatchObject({
      note: 'Dossier CAF 42',
      waitingSince: null,
    });
    expect((await call('GET', `/api/v1/appointments/${view.id}`, { cookie: bob.cookie })).status).toBe(404);
    const bobResend = await call('POST', `/api/v1/appointments/${view.id}/resend`, {
      cookie: bob.cookie,
      origin,
      'x-csrf-token': bob.csrf,
    });
    expect(bobResend.status).toBe(404);

    const resend = await call('POST', `/api/v1/appointments/${view.id}/resend`, {
      cookie: alice.cookie,
      origin,
      'x-csrf-token': alice.csrf,
    });
    expect(resend).toEqual({ status: 200, json: { queued: 1 } });
    const after = AppointmentViewSchema.parse(
      (await call('GET', `/api/v1/appointments/${view.id}`, { cookie: alice.cookie })).json,
    );
    expect(after.notifications.filter((n) => n.kind === 'invitation' && n.status === 'pending')).toHaveLength(
      2,
    );
  });

  it('a secret calendar feed per agent: its appointments only, a new URL revokes the old, and it can be revoked', async () => {
    const alice = await signIn('alice');
    const headers = { cookie: alice.cookie, origin, 'x-csrf-token': alice.csrf };
    expect((await call('GET', '/api/v1/console/feed', { cookie: alice.cookie })).json).toEqual({
      active: false,
      url: null,
    });
    const first = FeedViewSchema.parse((await call('POST', '/api/v1/console/feed', headers)).json);
    expect(first.url).toMatch(/\/agent\/feed\.ics\?t=[A-Za-z0-9_-]{43}$/);
    const feed = await fetch(first.url ?? '');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics = await feed.text();
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain('SUMMARY:Visio : Marie Dupont');
    expect(ics).toContain('DTSTART:20261203T133000Z');
    expect(ics).not.toContain('marie@example.org');
    const events = ics.split('BEGIN:VEVENT').length - 1;
    expect(events).toBeGreaterThan(0);

    const second = FeedViewSchema.parse((await call('POST', '/api/v1/console/feed', headers)).json);
    expect((await fetch(first.url ?? '')).status).toBe(404);
    expect((await fetch(second.url ?? '')).status).toBe(200);
    expect((await call('DELETE', '/api/v1/console/feed', headers)).status).toBe(204);
    expect((await fetch(second.url ?? '')).status).toBe(404);
  });

  it("an admin's session reads every agent's outbox when no relay is configured; an agent only their own", async () => {
    await new LocalAccounts(server.guichet.accounts).add({
      id: 'root',
      name: 'Root',
      role: 'admin',
      password: PASSWORD,
    });
    const bob = await signIn('bob');
    await call(
      'POST',
      '/api/v1/appointments',
      { cookie: bob.cookie, origin, 'x-csrf-token': bob.csrf },
      {
        ...booking,
        citizen: { displayName: 'Paul Martin', email: 'paul@example.org' },
      },
    );
    await server.guichet.scheduler.tick();
    const root = await signIn('root');
    const OutboxSchema = z.object({ messages: z.array(z.object({ agentId: z.string(), to: z.string() })) });
    const all = OutboxSchema.parse(
      (await call('GET', '/api/v1/outbox', { cookie: root.cookie })).json,
    ).messages;
    expect(new Set(all.map((m) => m.agentId))).toEqual(new Set(['alice', 'bob']));
    const mine = OutboxSchema.parse(
      (await call('GET', '/api/v1/outbox', { cookie: bob.cookie })).json,
    ).messages;
    expect(mine.map((m) => m.to)).toEqual(['paul@example.org']);
  });

  it('the API docs page is French by default, English on request, with fields and examples', async () => {
    const frPage = await (await fetch(`${server.baseUrl}/api/docs`)).text();
    expect(frPage).toContain('<html lang="fr">');
    expect(frPage).toContain('Réserver un rendez-vous');
    expect(frPage).toContain('Exemple de réponse');
    expect(frPage).toContain('<code>citizen.email</code>');
    const enPage = await (await fetch(`${server.baseUrl}/api/docs?lang=en`)).text();
    expect(enPage).toContain('Book an appointment; the invitation goes out at once');
    expect(enPage).toContain('POST /api/v1/appointments/:id/resend');
  });

  it('signing out ends the session at once; an expired session is refused', async () => {
    const alice = await signIn('alice');
    const logout = await call('DELETE', '/api/v1/session', {
      cookie: alice.cookie,
      origin,
      'x-csrf-token': alice.csrf,
    });
    expect(logout.status).toBe(204);
    expect((await call('GET', '/api/v1/session', { cookie: alice.cookie })).status).toBe(401);
    expect((await call('GET', '/api/v1/appointments', { cookie: alice.cookie })).status).toBe(401);

    const later = await signIn('alice');
    expect((await call('GET', '/api/v1/session', { cookie: later.cookie })).status).toBe(200);
    clock.advance(61 * 60_000);
    expect((await call('GET', '/api/v1/session', { cookie: later.cookie })).status).toBe(401);
    const expired = await call(
      'POST',
      '/api/v1/appointments',
      { cookie: later.cookie, origin, 'x-csrf-token': later.csrf },
      booking,
    );
    expect(expired.status).toBe(401);
  });
});
