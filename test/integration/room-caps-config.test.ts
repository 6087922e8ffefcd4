import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * The lobby's size is a setting (LOBBY_MAX_PER_ROOM), read by the real
 * server: with 2, the third citizen link knocking at once is refused
 * LOBBY_FULL over a real socket, and the agent still gets in.
 */
const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';

describe('room caps from the settings (real server, real sockets)', () => {
  let server: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ LOBBY_MAX_PER_ROOM: '2', MEMBER_MAX_CONSUMERS: '4' });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  const join = async (payload: { roomId: string; displayName: string; token: string }) => {
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    return client.raw('join', payload);
  };

  it('refuses a knock past LOBBY_MAX_PER_ROOM, and lets the agent in', async () => {
    const view = await apiClient(server.baseUrl, server.agentToken()).book({
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    const citizen = { roomId: view.roomId, token: tokenOf(view.links.citizen) };
    expect(await join({ ...citizen, displayName: 'Marie' })).toMatchObject({
      ok: true,
      data: { state: 'lobby' },
    });
    expect(await join({ ...citizen, displayName: 'Paul' })).toMatchObject({
      ok: true,
      data: { state: 'lobby' },
    });
    expect(await join({ ...citizen, displayName: 'Trop' })).toMatchObject({
      ok: false,
      error: { code: 'LOBBY_FULL' },
    });
    const agent = await join({ roomId: view.roomId, displayName: 'Alice', token: tokenOf(view.links.agent) });
    expect(agent).toMatchObject({ ok: true, data: { role: 'host', state: 'admitted' } });
  });
});
