import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JitsiConfCodeSchema, JitsiDialInNumbersSchema } from '../../signaling/protocol/dial-in.js';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Dial-in numbers and PINs through the real server: the Jitsi-compatible
 * endpoints, the room page's context, the early waiting page and the
 * messages the scheduler really hands over (outbox, no SMTP configured).
 */
const NOW = Date.parse('2026-12-03T09:00:00Z');
const NUMBERS = [
  { country: 'FR', number: '+33 1 86 95 00 00', default: true },
  { country: 'BE', number: '+32 800 12 345', tollFree: true },
];
const booking = {
  startsAt: '2026-12-03T14:30:00+01:00',
  durationMinutes: 30,
  citizen: { displayName: 'Marie Dupont', email: 'marie@example.org', phone: '+33612345678' },
  channels: ['email', 'sms'],
};
const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';
const ErrorBody = z.object({ error: z.object({ code: z.string() }) });

describe('dial-in: numbers, PIN endpoint, pages and messages (real server)', () => {
  const clock = new ManualClock(NOW);
  let server: TestServer;
  let alice: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer(
      { DIAL_IN_NUMBERS: JSON.stringify(NUMBERS) },
      { clock: clock.now, runScheduler: false },
    );
    alice = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
  });
  beforeEach(() => clock.set(NOW));
  afterAll(async () => {
    await server?.close();
  });

  const code = async (query: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.baseUrl}/api/v1/dial-in/code?${query}`, { headers });
    return { status: response.status, json: (await response.json()) as unknown };
  };
  const errorCode = (json: unknown): string => ErrorBody.parse(json).error.code;

  it('lists the numbers in the dialInNumbersUrl format, without credentials', async () => {
    const response = await fetch(
      `${server.baseUrl}/api/v1/dial-in/numbers?conference=x@conference.example.fr`,
    );
    expect(response.status).toBe(200);
    expect(JitsiDialInNumbersSchema.parse(await response.json())).toEqual([
      { countryCode: 'FR', tollFree: false, formattedNumber: '+33 1 86 95 00 00', default: true },
      { countryCode: 'BE', tollFree: true, formattedNumber: '+32 800 12 345', default: false },
    ]);
  });

  it('gives the PIN to the link holders and to the room password, never by room id alone', async () => {
    const view = await alice.book(booking);
    const expected = { conference: view.roomId, id: view.dialIn.pin };

    const none = await code(`conference=${view.roomId}`);
    expect(none.status).toBe(401);
    expect(JSON.stringify(none.json)).not.toContain(view.dialIn.pin);

    for (const link of [view.links.citizen, view.links.agent]) {
      const ok = await code(`conference=${view.roomId}&t=${tokenOf(link)}`);
      expect(ok.status).toBe(200);
      expect(JitsiConfCodeSchema.parse(ok.json)).toMatchObject(expected);
    }
    // Jitsi's own form of the name: room@conference.domain.
    const jitsi = await code(
      `conference=${encodeURIComponent(`${view.roomId}@conference.example.fr`)}&t=${tokenOf(view.links.citizen)}`,
    );
    expect(JitsiConfCodeSchema.parse(jitsi.json)).toMatchObject(expected);
    const byPassword = await code(`conference=${view.roomId}`, { 'x-room-password': view.password });
    expect(byPassword.status).toBe(200);
    const body = JitsiConfCodeSchema.parse(byPassword.json);
    expect(body).toMatchObject(expected);
    expect(body.message).toBe(`Appelez le +33 1 86 95 00 00 et tapez le code ${view.dialIn.pin} suivi de #.`);

    // A wrong password, another room's token and an unknown room: the same 401, no PIN.
    const other = await alice.book(booking);
    for (const [query, headers] of [
      [`conference=${view.roomId}`, { 'x-room-password': 'AAA-BBB-CCC' }],
      [`conference=${view.roomId}&t=${tokenOf(other.links.citizen)}`, {}],
      [`conference=zzzz-zzzz-zzzz&t=${tokenOf(view.links.citizen)}`, {}],
      [`conference=${view.roomId}&t=${tokenOf(view.links.citizen)}x`, {}],
    ] as const) {
      const refused = await code(query, headers);
      expect(refused.status).toBe(401);
      expect(errorCode(refused.json)).toBe('WRONG_PASSWORD');
      expect(JSON.stringify(refused.json)).not.toContain(view.dialIn.pin);
    }
    expect((await code('')).status).toBe(400);

    // Cancelled: the PIN is void, and said so.
    await alice.cancel(view.id);
    const gone = await code(`conference=${view.roomId}&t=${tokenOf(view.links.citizen)}`);
    expect(gone.status).toBe(410);
    expect(JSON.stringify(gone.json)).not.toContain(view.dialIn.pin);
  });

  it('puts the number and PIN in the citizen’s room context, not the agent’s', async () => {
    const view = await alice.book(booking);
    clock.set('2026-12-03T13:20:00Z');
    const info = async (link: string) => {
      const response = await fetch(`${server.baseUrl}/r/${view.roomId}/info?t=${tokenOf(link)}`);
      expect(response.status).toBe(200);
      return z.record(z.string(), z.unknown()).parse(await response.json());
    };
    expect((await info(view.links.citizen))['dialIn']).toEqual({
      pin: view.dialIn.pin,
      numbers: [
        { country: 'FR', number: '+33 1 86 95 00 00', tollFree: false, default: true },
        { country: 'BE', number: '+32 800 12 345', tollFree: true, default: false },
      ],
    });
    expect((await info(view.links.agent))['dialIn']).toBeUndefined();
    expect((await fetch(`${server.baseUrl}/r/${view.roomId}/info`)).status).toBe(404);
  });

  it('the early waiting page of the citizen’s link says when and how to call', async () => {
    const view = await alice.book(booking);
    const page = await fetch(`${server.baseUrl}/r/${view.roomId}?t=${tokenOf(view.links.citizen)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<a href="tel:+33186950000,,${view.dialIn.pin}%23">+33 1 86 95 00 00</a>`);
    expect(html).toContain('à partir de 14\u00a0h\u00a015');
    const agentPage = await (
      await fetch(`${server.baseUrl}/r/${view.roomId}?t=${tokenOf(view.links.agent)}`)
    ).text();
    expect(agentPage).not.toContain(view.dialIn.pin);
    const tampered = await (
      await fetch(`${server.baseUrl}/r/${view.roomId}?t=${tokenOf(view.links.citizen)}x`)
    ).text();
    expect(tampered).not.toContain(view.dialIn.pin);
  });

  it('the invitation email and SMS handed over carry the number, the PIN and the tel: link', async () => {
    const view = await alice.book(booking);
    expect(await server.guichet.scheduler.tick()).toBeGreaterThanOrEqual(2);
    const { json } = await alice.call('GET', `/api/v1/outbox?appointmentId=${view.id}`);
    const messages = z
      .object({ messages: z.array(z.object({ channel: z.string(), text: z.string() })) })
      .parse(json).messages;
    const tel = `tel:+33186950000,,${view.dialIn.pin}%23`;
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message.text).toContain('+33 1 86 95 00 00');
      expect(message.text).toContain(view.dialIn.pin);
      expect(message.text).toContain(tel);
    }
  });
});

describe('dial-in without DIAL_IN_NUMBERS, and the cap on wrong proofs', () => {
  const clock = new ManualClock(NOW);
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(
      { JOIN_ATTEMPTS_PER_MINUTE: '3' },
      { clock: clock.now, runScheduler: false },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows no number anywhere and has no PIN to give', async () => {
    const alice = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice' }));
    const view = await alice.book(booking);
    expect(await (await fetch(`${server.baseUrl}/api/v1/dial-in/numbers`)).json()).toEqual([]);
    const refused = await fetch(
      `${server.baseUrl}/api/v1/dial-in/code?conference=${view.roomId}&t=${tokenOf(view.links.citizen)}`,
    );
    expect(refused.status).toBe(404);
    clock.set('2026-12-03T13:20:00Z');
    const info = await fetch(`${server.baseUrl}/r/${view.roomId}/info?t=${tokenOf(view.links.citizen)}`);
    expect(await info.json()).not.toHaveProperty('dialIn');
    clock.set(NOW);
    await server.guichet.scheduler.tick();
    const { json } = await alice.call('GET', `/api/v1/outbox?appointmentId=${view.id}`);
    expect(JSON.stringify(json)).not.toContain(view.dialIn.pin);
    expect(JSON.stringify(json)).not.toContain('tel:');
  });
});

describe('the PIN endpoint counts wrong passwords like joins', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      DIAL_IN_NUMBERS: JSON.stringify(NUMBERS),
      JOIN_ATTEMPTS_PER_MINUTE: '3',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('locks out after the cap, even for the right password', async () => {
    const alice = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice' }));
    const view = await alice.book({ ...booking, startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const tryPassword = (password: string) =>
      fetch(`${server.baseUrl}/api/v1/dial-in/code?conference=${view.roomId}`, {
        headers: { 'x-room-password': password },
      });
    for (let i = 0; i < 3; i++) expect((await tryPassword(`WRONG-${i}`)).status).toBe(401);
    const locked = await tryPassword(view.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
