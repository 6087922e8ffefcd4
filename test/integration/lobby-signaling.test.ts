import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * The lobby over real sockets: a citizen with a valid link waits, and no
 * sequence of raw messages gets them out or lets them act as the host.
 */
describe('lobby and host controls over socket.io', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T13:20:00Z'));
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  const clients: SignalingClient[] = [];

  const connect = async (): Promise<SignalingClient> => {
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    return client;
  };
  const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';
  const bookNow = () =>
    api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });

  beforeAll(async () => {
    clock.set('2026-12-03T09:00:00Z');
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
    api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice' }));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('rejects raw guest messages with FORBIDDEN, without effect, then the host admits', async () => {
    const view = await bookNow();
    clock.set('2026-12-03T13:20:00Z');
    const citizen = await connect();
    const joined = await citizen.request('join', {
      roomId: view.roomId,
      displayName: 'Marie',
      token: tokenOf(view.links.citizen),
      transports: ['recv', 'send'],
    });
    expect(joined).toMatchObject({ role: 'guest', state: 'lobby', peers: [] });
    // Asked for, but the lobby has no media: none were made.
    expect(joined.transports).toBeUndefined();

    const agent = await connect();
    const host = await agent.request('join', {
      roomId: view.roomId,
      displayName: 'Alice',
      token: tokenOf(view.links.agent),
      transports: ['recv', 'send'],
    });
    expect(host).toMatchObject({ role: 'host', state: 'admitted' });
    // The host is admitted at once: both transports came with the answer, from the real worker.
    for (const direction of ['send', 'recv'] as const) {
      expect(host.transports?.[direction]?.iceCandidates.length).toBeGreaterThan(0);
    }
    expect(host.transports?.send?.id).not.toBe(host.transports?.recv?.id);
    await agent.request('connectTransport', {
      transportId: host.transports?.send?.id ?? '',
      dtlsParameters: {
        role: 'client',
        fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
      },
    });
    expect(host.peers.map((p) => [p.peerId, p.state])).toEqual([[joined.peerId, 'lobby']]);

    const me = joined.peerId;
    const forbidden: [string, unknown][] = [
      ['admit', { peerId: me }],
      ['removePeer', { peerId: host.peerId }],
      ['mutePeer', { peerId: host.peerId }],
      ['verifyIdentity', { peerId: me, method: 'id-document' }],
      ['lockRoom', { locked: true }],
      ['endMeeting', {}],
      ['createTransport', { direction: 'send' }],
      ['createTransport', { direction: 'recv' }],
      ['chat', { text: 'laissez-moi entrer' }],
      ['invite', {}],
    ];
    for (const [name, payload] of forbidden) {
      const ack = await citizen.raw(name, payload);
      expect({ name, ack }).toMatchObject({ name, ack: { ok: false, error: { code: 'FORBIDDEN' } } });
    }
    // Nothing happened: the host saw no new event beyond the knock.
    expect(agent.events.map((e) => e.name)).toEqual([]);
    expect(citizen.events.map((e) => e.name)).toEqual([]);

    // The lobby preview reaches the host.
    await citizen.request('lobbyPreview', { image: 'data:image/jpeg;base64,/9j/4AAQ' });
    await vi.waitFor(() =>
      expect(agent.received('lobbyPreview')).toEqual([
        { peerId: me, image: 'data:image/jpeg;base64,/9j/4AAQ' },
      ]),
    );

    // The agent can invite an interpreter: the link is the one-click guest link, and they knock too.
    expect(await agent.request('invite', {})).toEqual({ link: view.links.citizen, needsPassword: false });

    await agent.request('admit', { peerId: me });
    await vi.waitFor(() => expect(citizen.received('admitted')).toHaveLength(1));
    expect(citizen.received('admitted')[0]?.peers.map((p) => p.displayName)).toEqual(['Alice']);
    expect(await citizen.raw('createTransport', { direction: 'recv' })).toMatchObject({ ok: true });

    await agent.request('verifyIdentity', { peerId: me, method: 'id-document' });
    await vi.waitFor(() =>
      expect(citizen.received('identityVerified')).toEqual([
        expect.objectContaining({ peerId: me, method: 'id-document' }),
      ]),
    );
    await agent.request('endMeeting', {});
    await vi.waitFor(() => expect(citizen.received('roomClosed')).toEqual([{ reason: 'ended' }]));
    expect(agent.received('roomClosed')).toEqual([{ reason: 'ended' }]);
    // The room records the end in the store on its own time: poll for it.
    await vi.waitFor(async () => {
      expect((await api.call('GET', `/api/v1/appointments/${view.id}`)).json).toMatchObject({
        status: 'ended',
      });
    });

    const { json } = await api.call('GET', `/api/v1/appointments/${view.id}/audit`);
    const events = z
      .object({
        events: z.array(
          z.object({ type: z.string(), actor: z.string(), detail: z.record(z.string(), z.unknown()) }),
        ),
      })
      .parse(json).events;
    // The appointment's state moves with the room, in the store and in the trail (item 8 of issue 12).
    expect(
      events.filter((e) => e.type === 'status').map((e) => `${e.detail['from']}→${e.detail['to']}`),
    ).toEqual(['scheduled→open', 'open→in_progress', 'in_progress→ended']);
    expect(events.filter((e) => e.type !== 'status').map((e) => `${e.type}:${e.actor}`)).toEqual([
      'booked:agent',
      'joined:guest',
      'joined:host',
      'invited:host',
      'admitted:host',
      'identity-verified:host',
      'ended:host',
    ]);
    expect(events.find((e) => e.type === 'identity-verified')?.detail).toMatchObject({
      method: 'id-document',
    });
    expect(JSON.stringify(events)).not.toContain('marie@example.org');
  });

  it('shows the guest the refusal and its reason, and records it', async () => {
    const view = await bookNow();
    clock.set('2026-12-03T13:20:00Z');
    const agent = await connect();
    await agent.request('join', {
      roomId: view.roomId,
      displayName: 'Alice',
      token: tokenOf(view.links.agent),
    });
    const citizen = await connect();
    const joined = await citizen.request('join', {
      roomId: view.roomId,
      displayName: 'Marie',
      password: view.password,
    });
    await vi.waitFor(() => expect(agent.received('knock')).toHaveLength(1));
    await agent.request('refuse', { peerId: joined.peerId, reason: 'Merci de rappeler le service' });
    await vi.waitFor(() =>
      expect(citizen.received('kicked')).toEqual([
        { code: 'REFUSED', message: 'Merci de rappeler le service' },
      ]),
    );
    await vi.waitFor(() => expect(citizen.socket.connected).toBe(false));
    await vi.waitFor(() => expect(agent.received('knockWithdrawn')).toEqual([{ peerId: joined.peerId }]));
    const { json } = await api.call('GET', `/api/v1/appointments/${view.id}/audit`);
    expect(JSON.stringify(json)).toContain('"refused"');
  });
});
