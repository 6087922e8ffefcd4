import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eraseExpiredPersonalData } from '../../signaling/appointments/retention.js';
import { apiClient, FieldErrorsSchema } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

const NOW = Date.parse('2026-12-03T09:00:00Z');
const booking = (overrides: Record<string, unknown> = {}) => ({
  startsAt: '2026-12-03T14:30:00+01:00',
  durationMinutes: 30,
  citizen: { displayName: 'Marie Dupont', email: 'marie@example.org', phone: '+33612345678' },
  channels: ['email', 'sms'],
  note: 'dossier 42',
  ...overrides,
});

describe('appointments REST API (real HTTP, embedded store)', () => {
  const clock = new ManualClock(NOW);
  let server: TestServer;
  let alice: ReturnType<typeof apiClient>;
  let bob: ReturnType<typeof apiClient>;
  let admin: ReturnType<typeof apiClient>;
  const sockets: SignalingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
    alice = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
    bob = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'bob' }));
    admin = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'root', role: 'admin' }));
  });
  beforeEach(() => clock.set(NOW));
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  const join = async (roomId: string, auth: { token?: string; password?: string }) => {
    const client = await SignalingClient.connect(server.baseUrl);
    sockets.push(client);
    return client.raw('join', { roomId, displayName: 'Someone', ...auth });
  };
  const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';

  it('books an appointment and answers with links, password, PIN and notifications', async () => {
    const view = await alice.book(booking());
    expect(view.startsAt).toBe('2026-12-03T13:30:00.000Z');
    expect(view.endsAt).toBe('2026-12-03T14:00:00.000Z');
    expect(view.access).toEqual({
      citizenOpensAt: '2026-12-03T13:15:00.000Z',
      citizenClosesAt: '2026-12-03T14:30:00.000Z',
    });
    expect(view.agent).toEqual({ id: 'alice', name: 'Alice Martin' });
    expect(view.timeZone).toBe('Europe/Paris');
    expect(view.locale).toBe('fr');
    expect(view.password).toMatch(/^[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}$/);
    expect(view.dialIn.pin).toMatch(/^\d{6}$/);
    expect(view.links.citizen).toMatch(new RegExp(`^${server.baseUrl}/r/${view.roomId}\\?t=`));
    expect(view.links.agent).not.toBe(view.links.citizen);
    expect(view.notifications.map((n) => `${n.kind}/${n.channel}/${n.status}`).sort()).toEqual([
      'invitation/email/pending',
      'invitation/sms/pending',
      'reminder/email/pending',
      'reminder/sms/pending',
    ]);
    const reminder = view.notifications.find((n) => n.kind === 'reminder');
    expect(reminder?.dueAt).toBe('2026-12-03T13:15:00.000Z');
    expect(await alice.get(view.id)).toEqual(view);
  });

  it.each([
    ['a start in the past', { startsAt: '2026-12-02T14:30:00+01:00' }, ['startsAt']],
    ['a start without offset', { startsAt: '2026-12-03T14:30:00' }, ['startsAt']],
    ['an absurd duration', { durationMinutes: 10_000 }, ['durationMinutes']],
    ['a fractional duration', { durationMinutes: 12.5 }, ['durationMinutes']],
    [
      'an invalid email and phone',
      { citizen: { displayName: 'M', email: 'nope', phone: '0612' } },
      ['citizen.email', 'citizen.phone'],
    ],
    [
      'a channel without its contact',
      { citizen: { displayName: 'M', email: 'm@example.org' }, channels: ['sms'] },
      ['citizen.phone'],
    ],
    [
      'fields too long',
      {
        note: 'n'.repeat(1001),
        citizen: { displayName: 'x'.repeat(65), email: 'm@example.org' },
        channels: ['email'],
      },
      ['note', 'citizen.displayName'],
    ],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, ['timeZone']],
    ['an unknown field', { colour: 'blue' }, ['colour']],
  ])('refuses %s with 400 and the fields', async (_label, overrides, fields) => {
    const { status, json } = await alice.call('POST', '/api/v1/appointments', booking(overrides));
    expect(status).toBe(400);
    const body = FieldErrorsSchema.parse(json);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.fields?.map((f) => f.path).sort()).toEqual([...fields].sort());
  });

  it("hides other agents' appointments behind 404, and shows them to admins", async () => {
    const view = await alice.book(booking());
    expect((await bob.call('GET', `/api/v1/appointments/${view.id}`)).status).toBe(404);
    expect((await bob.call('PATCH', `/api/v1/appointments/${view.id}`, { note: 'x' })).status).toBe(404);
    expect((await bob.call('DELETE', `/api/v1/appointments/${view.id}`)).status).toBe(404);
    expect(
      (await alice.call('GET', '/api/v1/appointments/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
    expect((await alice.call('GET', '/api/v1/appointments/not-a-uuid')).status).toBe(404);
    expect((await admin.get(view.id)).id).toBe(view.id);
    expect((await bob.list()).map((a) => a.id)).not.toContain(view.id);
  });

  it('lists by date range and status, ordered by start', async () => {
    const late = await alice.book(booking({ startsAt: '2026-12-10T10:00:00+01:00' }));
    const early = await alice.book(booking({ startsAt: '2026-12-09T10:00:00+01:00' }));
    const range = await alice.list('?from=2026-12-09T00:00:00Z&to=2026-12-11T00:00:00Z');
    expect(range.map((a) => a.id)).toEqual([early.id, late.id]);
    await alice.cancel(early.id);
    expect((await alice.list('?from=2026-12-09T00:00:00Z&status=cancelled')).map((a) => a.id)).toEqual([
      early.id,
    ]);
    expect((await alice.call('GET', '/api/v1/appointments?limit=0')).status).toBe(400);
  });

  it('re-arms the reminder and sends a notice on a reschedule', async () => {
    const view = await alice.book(
      booking({ channels: ['email'], citizen: { displayName: 'M', email: 'm@example.org' } }),
    );
    const moved = await alice.patch(view.id, { startsAt: '2026-12-04T10:00:00+01:00' });
    expect(moved.startsAt).toBe('2026-12-04T09:00:00.000Z');
    expect(moved.links.citizen).not.toBe(view.links.citizen);
    // The invitation and the reminder had not gone out (no scheduler here): with the old time in
    // them they are gone, and the rescheduled notice, with the new time and link, takes their place.
    expect(moved.notifications.map((n) => `${n.kind}/${n.status}/${n.dueAt}`).sort()).toEqual([
      'reminder/pending/2026-12-04T08:45:00.000Z',
      'rescheduled/pending/2026-12-03T09:00:00.000Z',
    ]);
  });

  it('keeps one pending notice when an appointment is moved twice before it goes out', async () => {
    const view = await alice.book(
      booking({ channels: ['email'], citizen: { displayName: 'M', email: 'm@example.org' } }),
    );
    await alice.patch(view.id, { startsAt: '2026-12-04T10:00:00+01:00' });
    const twice = await alice.patch(view.id, { startsAt: '2026-12-05T10:00:00+01:00' });
    const notices = twice.notifications.filter((n) => n.kind === 'rescheduled');
    expect(notices.map((n) => n.status)).toEqual(['pending']);
    expect(twice.notifications.filter((n) => n.kind === 'reminder' && n.status === 'pending')).toEqual([
      expect.objectContaining({ dueAt: '2026-12-05T08:45:00.000Z' }),
    ]);
  });

  it('keeps an appointment moved 50 times to one set of notices', async () => {
    const view = await alice.book(
      booking({
        channels: ['email', 'sms'],
        citizen: { displayName: 'M', email: 'm@example.org', phone: '+33612345678' },
      }),
    );
    let last = view;
    for (let i = 0; i < 50; i += 1) {
      last = await alice.patch(view.id, {
        startsAt: new Date(Date.parse('2026-12-04T09:00:00Z') + i * 60_000).toISOString(),
      });
    }
    // One rescheduled notice and one reminder per channel: what the citizen will get, and nothing piled up.
    expect(last.notifications.map((n) => `${n.kind}/${n.channel}/${n.status}`).sort()).toEqual([
      'reminder/email/pending',
      'reminder/sms/pending',
      'rescheduled/email/pending',
      'rescheduled/sms/pending',
    ]);
  });

  it('cancels: the citizen is told, and nobody can join any more', async () => {
    const view = await alice.book(booking());
    clock.set('2026-12-03T13:20:00Z');
    const cancelled = await alice.cancel(view.id);
    expect(cancelled.status).toBe('cancelled');
    expect(
      cancelled.notifications.filter((n) => n.kind === 'cancelled' && n.status === 'pending'),
    ).toHaveLength(2);
    expect(cancelled.notifications.filter((n) => n.kind === 'reminder').map((n) => n.status)).toEqual([
      'skipped',
      'skipped',
    ]);
    expect(await join(view.roomId, { token: tokenOf(view.links.citizen) })).toMatchObject({
      ok: false,
      error: { code: 'ACCESS_CLOSED' },
    });
    const page = await fetch(view.links.citizen);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Ce rendez-vous a été annulé');
  });

  it('opens the room to the citizen only in the access window', async () => {
    const view = await alice.book(booking());
    const citizen = { token: tokenOf(view.links.citizen) };

    clock.set('2026-12-03T13:14:00Z');
    const early = await fetch(view.links.citizen);
    expect(early.status).toBe(200);
    expect(await early.text()).toContain(
      'Il commence à 14\u00a0h\u00a030\u00a0; cette page s’ouvrira à 14\u00a0h\u00a015.',
    );
    expect(await join(view.roomId, citizen)).toMatchObject({ ok: false, error: { code: 'NOT_OPEN_YET' } });
    expect(await join(view.roomId, { password: view.password })).toMatchObject({
      ok: false,
      error: { code: 'NOT_OPEN_YET' },
    });
    // The agent may enter all day.
    expect(await join(view.roomId, { token: tokenOf(view.links.agent) })).toMatchObject({
      ok: true,
      data: { role: 'host' },
    });

    clock.set('2026-12-03T13:15:00Z');
    expect(await join(view.roomId, citizen)).toMatchObject({ ok: true, data: { role: 'guest' } });
    expect(await join(view.roomId, { password: view.password.toLowerCase() })).toMatchObject({
      ok: true,
      data: { role: 'guest' },
    });

    clock.set('2026-12-03T14:30:00Z');
    expect(await join(view.roomId, citizen)).toMatchObject({ ok: false, error: { code: 'ACCESS_CLOSED' } });
    const over = await fetch(view.links.citizen);
    expect(over.status).toBe(410);
    expect(await over.text()).toContain('Ce rendez-vous est terminé');
  });

  it("refuses another room's link and another agent's token", async () => {
    const one = await alice.book(booking());
    const two = await alice.book(booking());
    clock.set('2026-12-03T13:20:00Z');
    expect(await join(two.roomId, { token: tokenOf(one.links.citizen) })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await join(one.roomId, { token: server.guichet.agents.mint({ id: 'bob' }) })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await join(one.roomId, { token: server.guichet.agents.mint({ id: 'alice' }) })).toMatchObject({
      ok: true,
    });
    const tampered = await fetch(`${server.baseUrl}/r/${one.roomId}?t=${tokenOf(one.links.citizen)}x`);
    expect(tampered.status).toBe(404);
  });

  it('keeps messages in the outbox when no SMTP or SMS is configured', async () => {
    const view = await alice.book(booking());
    expect(await server.guichet.scheduler.tick()).toBeGreaterThanOrEqual(2);
    const after = await alice.get(view.id);
    expect(after.notifications.filter((n) => n.kind === 'invitation').map((n) => n.status)).toEqual([
      'sent',
      'sent',
    ]);
    const { status, json } = await alice.call('GET', `/api/v1/outbox?appointmentId=${view.id}`);
    expect(status).toBe(200);
    const messages = z
      .object({ messages: z.array(z.object({ channel: z.string(), to: z.string(), text: z.string() })) })
      .parse(json).messages;
    expect(messages.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(messages.find((m) => m.channel === 'email')?.text).toContain(view.links.citizen);
    expect((await bob.call('GET', `/api/v1/outbox?appointmentId=${view.id}`)).json).toEqual({ messages: [] });
  });

  it('records an audit trail without personal data', async () => {
    const view = await alice.book(booking());
    await alice.patch(view.id, { startsAt: '2026-12-05T10:00:00+01:00' });
    await alice.cancel(view.id);
    const { json } = await alice.call('GET', `/api/v1/appointments/${view.id}/audit`);
    const events = z
      .object({ events: z.array(z.object({ type: z.string(), actor: z.string() })) })
      .parse(json).events;
    expect(events.map((e) => `${e.type}:${e.actor}`)).toEqual([
      'booked:agent',
      'rescheduled:agent',
      'cancelled:agent',
    ]);
    expect(JSON.stringify(json)).not.toMatch(/marie@example\.org|\+33612345678/);
  });

  it('serves the OpenAPI document and a readable page', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/appointments',
        '/api/v1/appointments/{id}',
        '/api/v1/appointments/{id}/audit',
      ]),
    );
    const page = await fetch(`${server.baseUrl}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('POST /api/v1/appointments');
  });

  it('erases the citizen name, contact and note RETENTION_DAYS after the end, and keeps the audit trail', async () => {
    const view = await alice.book(booking());
    await server.guichet.scheduler.tick(); // the outbox now holds both addresses
    const store = server.guichet.store;
    // Ends 14:00 UTC on Dec 3rd; 30 days later, minus a minute: kept.
    expect(await eraseExpiredPersonalData(store, 30, Date.parse('2027-01-02T13:59:00Z'))).toBe(0);
    expect(
      await eraseExpiredPersonalData(store, 30, Date.parse('2027-01-02T14:01:00Z')),
    ).toBeGreaterThanOrEqual(1);
    const after = await alice.get(view.id);
    expect(after.citizen).toEqual({ displayName: '', email: null, phone: null });
    expect(after.note).toBeNull();
    const outbox = await alice.call('GET', `/api/v1/outbox?appointmentId=${view.id}`);
    expect(JSON.stringify(outbox.json)).not.toMatch(/marie@example\.org|\+33612345678/);
    const audit = await alice.call('GET', `/api/v1/appointments/${view.id}/audit`);
    expect(JSON.stringify(audit.json)).toContain('personal-data-erased');
    // Idempotent: nothing left to erase.
    expect(await eraseExpiredPersonalData(store, 30, Date.parse('2027-01-02T14:01:00Z'))).toBe(0);
  });
});
