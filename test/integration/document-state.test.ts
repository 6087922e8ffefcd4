import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * Issue 16 over real sockets and the real server: the citizen's document
 * mode tells the agent what it does, the agent alone hears it, and the
 * server checks who sends it and how often.
 */
describe('document state over socket.io', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  const clients: SignalingClient[] = [];

  const connect = async (): Promise<SignalingClient> => {
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    return client;
  };
  const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';

  beforeAll(async () => {
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
    api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice' }));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('relays the citizen’s state to the agent only; the lobby, a host and a flood are refused', async () => {
    clock.set('2026-12-03T09:00:00Z');
    const view = await api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    clock.set('2026-12-03T13:20:00Z');
    const citizen = await connect();
    const joined = await citizen.request('join', {
      roomId: view.roomId,
      displayName: 'Marie',
      token: tokenOf(view.links.citizen),
    });
    const agent = await connect();
    await agent.request('join', {
      roomId: view.roomId,
      displayName: 'Alice',
      token: tokenOf(view.links.agent),
    });

    // From the lobby: refused, and the agent hears nothing.
    expect(await citizen.raw('documentState', { state: 'denied' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // A malformed one: refused by the schema, the connection stays.
    expect(await citizen.raw('documentState', { state: 'off', width: 640, height: 480 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    await agent.request('admit', { peerId: joined.peerId });
    await vi.waitFor(() => expect(citizen.received('admitted')).toHaveLength(1));

    // A second guest (an interpreter) is in the call too: she must not hear the citizen's state.
    const interpreter = await connect();
    const other = await interpreter.request('join', {
      roomId: view.roomId,
      displayName: 'Interprète',
      token: tokenOf(view.links.citizen),
    });
    await agent.request('admit', { peerId: other.peerId });
    await vi.waitFor(() => expect(interpreter.received('admitted')).toHaveLength(1));

    await agent.request('requestDocument', { peerId: joined.peerId });
    await vi.waitFor(() => expect(citizen.received('documentRequested')).toHaveLength(1));
    await citizen.request('documentState', { state: 'rear', width: 3840, height: 2160 });
    await citizen.request('documentState', { state: 'off' });
    await vi.waitFor(() =>
      expect(agent.received('documentState')).toEqual([
        { peerId: joined.peerId, report: { state: 'rear', width: 3840, height: 2160 } },
        { peerId: joined.peerId, report: { state: 'off' } },
      ]),
    );

    // The agent has no document mode of their own.
    expect(await agent.raw('documentState', { state: 'rear', width: 10, height: 10 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    // A flood: the first few pass, then RATE_LIMITED; the socket stays up.
    const acks: unknown[] = [];
    for (let i = 0; i < 12; i += 1) acks.push(await citizen.raw('documentState', { state: 'lost' }));
    const limited = acks.filter(
      (ack) => typeof ack === 'object' && ack !== null && JSON.stringify(ack).includes('RATE_LIMITED'),
    );
    expect(limited.length).toBeGreaterThan(0);
    const passed = acks.length - limited.length;
    await vi.waitFor(() => expect(agent.received('documentState')).toHaveLength(2 + passed));
    expect(await citizen.raw('chat', { text: 'toujours là' })).toMatchObject({ ok: true });

    expect(interpreter.received('documentState')).toEqual([]);
    expect(citizen.received('documentState')).toEqual([]);
  });
});
