import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditEventViewSchema, DialInResolutionSchema } from '../../signaling/protocol/index.js';
import { z } from 'zod';
import { apiClient } from '../helpers/api.js';
import { Owned } from '../helpers/owned.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * The room core's side of the phone gateway, through the real REST API, real
 * sockets and a real worker: the PIN lookup behind the service token, the
 * service join (a phone member, its name masked by the server whatever the
 * gateway sent), the audit trail, and the plain RTP request for phone
 * members only.
 */

const TOKEN = 'sip-service-token-for-tests-0123456789abcdef';
const resources = new Owned();
afterEach(() => resources.stopAll());

const server = async (env: Record<string, string> = { SIP_SERVICE_TOKEN: TOKEN }): Promise<TestServer> =>
  resources.add(await startTestServer(env), (s) => s.close());
const client = async (s: TestServer): Promise<SignalingClient> =>
  resources.add(await SignalingClient.connect(s.baseUrl), (c) => {
    c.close();
    expect(c.malformed).toEqual([]);
  });

const book = (s: TestServer, startsInMinutes: number) =>
  apiClient(s.baseUrl, s.agentToken()).book({
    startsAt: new Date(Date.now() + startsInMinutes * 60_000).toISOString(),
    durationMinutes: 30,
    citizen: { displayName: 'Marie Dupont', email: 'marie@example.org', phone: '+33612345678' },
    channels: ['email'],
  });

const resolve = async (s: TestServer, body: unknown, token: string | null = TOKEN) => {
  const response = await fetch(`${s.baseUrl}/api/v1/dial-in/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown };
};
const errorCode = (json: unknown): unknown =>
  z.object({ error: z.object({ code: z.string() }) }).parse(json).error.code;

describe('dial-in in the room core', () => {
  it('resolves a PIN only for the service token, one answer for any wrong PIN', async () => {
    const s = await server();
    const soon = await book(s, 5);
    const later = await book(s, 120);
    const open = await resolve(s, { pin: soon.dialIn.pin });
    expect(open.status).toBe(200);
    expect(DialInResolutionSchema.parse(open.json)).toEqual({
      roomId: soon.roomId,
      startsAt: soon.startsAt,
      opensAt: soon.access.citizenOpensAt,
      access: 'open',
      status: 'scheduled',
    });
    const early = DialInResolutionSchema.parse((await resolve(s, { pin: later.dialIn.pin })).json);
    expect(early.access).toBe('early');
    const wrong = soon.dialIn.pin === '000000' ? '000001' : '000000';
    const unknown = await resolve(s, { pin: wrong });
    expect([unknown.status, errorCode(unknown.json)]).toEqual([401, 'WRONG_PASSWORD']);
    expect(errorCode((await resolve(s, { pin: '12' })).json)).toBe('VALIDATION_FAILED');
    const noToken = await resolve(s, { pin: soon.dialIn.pin }, null);
    expect([noToken.status, errorCode(noToken.json)]).toEqual([401, 'UNAUTHORIZED']);
    const badToken = await resolve(s, { pin: soon.dialIn.pin }, `${TOKEN.slice(0, -1)}x`);
    expect(errorCode(badToken.json)).toBe('UNAUTHORIZED');
    // Cancelled: the PIN is released, and means nothing any more.
    await apiClient(s.baseUrl, s.agentToken()).cancel(soon.id);
    expect(errorCode((await resolve(s, { pin: soon.dialIn.pin })).json)).toBe('WRONG_PASSWORD');
  }, 30_000);

  it('refuses every service when no token is configured', async () => {
    const s = await server({});
    const soon = await book(s, 5);
    expect(errorCode((await resolve(s, { pin: soon.dialIn.pin })).json)).toBe('UNAUTHORIZED');
    const phone = await client(s);
    const ack = await phone.raw('join', {
      roomId: soon.roomId,
      displayName: 'Téléphone •• •• 42',
      credential: { kind: 'service', token: TOKEN, pin: soon.dialIn.pin },
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  }, 30_000);

  it('a service join is a phone member in the lobby, named by its last two digits only; audited masked; plain RTP for phone members only', async () => {
    const s = await server();
    const view = await book(s, 5);
    const agent = await client(s);
    await agent.request('join', { roomId: view.roomId, displayName: 'Agent', token: s.agentToken() });
    const phone = await client(s);
    // A gateway that got it wrong and sent the whole number: the room keeps two digits.
    const joined = await phone.request('join', {
      roomId: view.roomId,
      displayName: '+33 6 12 34 56 42',
      credential: { kind: 'service', token: TOKEN, pin: view.dialIn.pin },
    });
    expect(joined.state).toBe('lobby');
    await vi.waitFor(() => expect(agent.received('knock')).toHaveLength(1), { timeout: 5000, interval: 20 });
    const knock = agent.received('knock')[0]!.peer;
    expect(knock).toMatchObject({ peerId: joined.peerId, kind: 'phone', displayName: 'Téléphone •• •• 42' });
    // In the lobby: no media at all.
    expect(await phone.refusal('createPlainTransport', { comedia: true })).toBe('FORBIDDEN');
    await agent.request('admit', { peerId: joined.peerId });
    await vi.waitFor(() => expect(phone.received('admitted')).toHaveLength(1), {
      timeout: 5000,
      interval: 20,
    });

    const plain = await phone.request('createPlainTransport', { comedia: true });
    expect(plain.ip).toBe('127.0.0.1');
    const { producerId } = await phone.request('produce', {
      transportId: plain.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 1234 }],
      },
    });
    await vi.waitFor(
      () => expect(agent.received('newProducer').map((e) => e.producer.producerId)).toEqual([producerId]),
      { timeout: 5000, interval: 20 },
    );
    // The browser's members have no plain transports; a bad target is a protocol error.
    expect(await agent.refusal('createPlainTransport', { comedia: true })).toBe('FORBIDDEN');
    expect(await phone.refusal('createPlainTransport', { remote: { ip: 'here', port: 1 } })).toBe(
      'INVALID_PAYLOAD',
    );
    await phone.request('leave', {});

    const audit = await apiClient(s.baseUrl, s.agentToken()).call(
      'GET',
      `/api/v1/appointments/${view.id}/audit`,
    );
    const events = z.object({ events: z.array(AuditEventViewSchema) }).parse(audit.json).events;
    const phoneEvents = events.filter((e) => e.detail['peerId'] === joined.peerId);
    expect(phoneEvents.find((e) => e.type === 'joined')?.detail).toMatchObject({
      kind: 'phone',
      caller: '•• •• 42',
    });
    expect(phoneEvents.find((e) => e.type === 'left')?.detail).toMatchObject({ caller: '•• •• 42' });
    expect(JSON.stringify(events)).not.toContain('12 34 56');
    expect(JSON.stringify(events)).not.toContain('612345678');
  }, 30_000);

  it('announces MEDIA_PLAIN_ANNOUNCED_ADDRESS on the phone leg, the browsers’ address elsewhere', async () => {
    const s = await server({ SIP_SERVICE_TOKEN: TOKEN, MEDIA_PLAIN_ANNOUNCED_ADDRESS: 'guichet' });
    const view = await book(s, 5);
    const agent = await client(s);
    const host = await agent.request('join', {
      roomId: view.roomId,
      displayName: 'Agent',
      token: s.agentToken(),
      transports: ['recv'],
    });
    expect(host.transports?.recv?.iceCandidates.map((c) => c.address)).toContain('127.0.0.1');
    const phone = await client(s);
    const joined = await phone.request('join', {
      roomId: view.roomId,
      displayName: 'Téléphone •• •• 42',
      credential: { kind: 'service', token: TOKEN, pin: view.dialIn.pin },
    });
    await agent.request('admit', { peerId: joined.peerId });
    await vi.waitFor(() => expect(phone.received('admitted')).toHaveLength(1), {
      timeout: 5000,
      interval: 20,
    });
    expect((await phone.request('createPlainTransport', { comedia: true })).ip).toBe('guichet');
  }, 30_000);

  it('the per-address join cap spares the trusted gateway (all its callers share one address), not a wrong token', async () => {
    const s = await server({ SIP_SERVICE_TOKEN: TOKEN, JOINS_PER_ADDRESS_PER_MINUTE: '2' });
    const view = await book(s, 5);
    for (let i = 0; i < 4; i += 1) {
      const phone = await client(s);
      await phone.request('join', {
        roomId: view.roomId,
        displayName: 'Téléphone •• •• 42',
        credential: { kind: 'service', token: TOKEN, pin: view.dialIn.pin },
      });
    }
    const guesser = await client(s);
    const refusals = [];
    for (let i = 0; i < 3; i += 1) {
      refusals.push(
        await guesser.refusal('join', {
          roomId: view.roomId,
          displayName: 'x',
          credential: { kind: 'service', token: `${TOKEN.slice(0, -1)}x`, pin: view.dialIn.pin },
        }),
      );
    }
    expect(refusals).toContain('RATE_LIMITED');
  }, 30_000);
});
