import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuichetOptions } from '../../server/guichet.js';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { Owned } from '../helpers/owned.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * The room core through real sockets, a real worker and the real REST API:
 * one member per socket, idle sockets closed, every request answered, media
 * state errors mapped, and commands (a REST cancel) reaching the live room.
 */

const resources = new Owned();
afterEach(() => resources.stopAll());
const serverWith = async (
  env: Record<string, string> = {},
  clock?: ManualClock,
  options: GuichetOptions = {},
): Promise<TestServer> =>
  resources.add(
    await startTestServer(env, { ...options, ...(clock ? { clock: clock.now, runScheduler: false } : {}) }),
    (s) => s.close(),
  );
/** Every client also checks, at the end, that all the server sent it fits the protocol's schemas. */
const client = async (server: TestServer): Promise<SignalingClient> =>
  resources.add(await SignalingClient.connect(server.baseUrl), (c) => {
    c.close();
    expect(c.malformed).toEqual([]);
  });

describe('room core over socket.io', () => {
  it('lets one socket hold one member: of two joins sent at once, one is refused ALREADY_JOINED; after the disconnect and the grace period the room is empty', async () => {
    const server = await serverWith({ RECONNECT_GRACE_SECONDS: '1' });
    const room = await server.createRoom();
    const rooms = server.guichet.rooms;
    for (let round = 0; round < 10; round += 1) {
      const socket = await client(server);
      const join = { roomId: room.roomId, displayName: 'Marie', password: room.password };
      const answers = await Promise.all([socket.raw('join', join), socket.raw('join', join)]);
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      expect(answers.filter((a) => !a.ok)).toMatchObject([{ ok: false, error: { code: 'ALREADY_JOINED' } }]);
      expect(rooms.participants).toBe(1);
      socket.close();
      // The place is kept for the grace period, then freed: no ghost member, no router left.
      await vi.waitFor(() => expect(rooms.participants).toBe(0), { timeout: 5000, interval: 50 });
      expect(rooms.liveRooms).toBe(0);
    }
  }, 60_000);

  it('closes a socket that joins no room in time', async () => {
    const server = await serverWith({}, undefined, { joinTimeoutMs: 1000 });
    const idle = await client(server);
    const started = Date.now();
    await vi.waitFor(() => expect(idle.socket.connected).toBe(false), { timeout: 4000, interval: 50 });
    expect(idle.received('kicked')).toEqual([{ code: 'JOIN_TIMEOUT', message: 'no room joined in time' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // A socket that joined in time stays. No fixed sleep: a control socket connected just after
    // the member, which joins nothing, is closed by its own timer; the member's timer, armed
    // earlier with the same delay, has fired (or been cleared) by then, and the member still answers.
    const room = await server.createRoom();
    const member = await client(server);
    const control = await client(server);
    await member.request('join', { roomId: room.roomId, displayName: 'Léa', password: room.password });
    await vi.waitFor(() => expect(control.socket.connected).toBe(false), { timeout: 4000, interval: 50 });
    expect(control.received('kicked')).toEqual([{ code: 'JOIN_TIMEOUT', message: 'no room joined in time' }]);
    expect(await member.request('routerCapabilities', {})).toHaveProperty('routerRtpCapabilities');
    expect(member.socket.connected).toBe(true);
    expect(member.received('kicked')).toEqual([]);
  });

  it('answers every request with the envelope, whatever the arguments', async () => {
    const server = await serverWith();
    const socket = await client(server);
    const ack = (...args: unknown[]): Promise<unknown> =>
      socket.socket.timeout(3000).emitWithAck('createTransport', ...args);
    // No payload at all, only the ack.
    expect(await socket.socket.timeout(3000).emitWithAck('createTransport')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await socket.socket.timeout(3000).emitWithAck('leave')).toEqual({ ok: true, data: {} });
    // An extra argument before the ack.
    expect(await ack({ direction: 'send' }, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await ack({ direction: 'send' }, { more: 1 }, 3)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    // A well-formed one, not joined.
    expect(await ack({ direction: 'send' })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    expect(socket.socket.connected).toBe(true);
  });

  it('maps media state errors to client errors and caps what a member holds', async () => {
    const server = await serverWith();
    const room = await server.createRoom();
    const socket = await client(server);
    await socket.request('join', { roomId: room.roomId, displayName: 'Marie', password: room.password });
    const send = await socket.request('createTransport', { direction: 'send' });
    const dtlsParameters = {
      role: 'client' as const,
      fingerprints: [
        { algorithm: 'sha-256' as const, value: send.dtlsParameters.fingerprints[0]?.value ?? '' },
      ],
    };
    await socket.request('connectTransport', { transportId: send.id, dtlsParameters });
    // Connecting twice: mediasoup refuses; the client hears INVALID_STATE, not INTERNAL.
    expect(await socket.refusal('connectTransport', { transportId: send.id, dtlsParameters })).toBe(
      'INVALID_STATE',
    );
    expect(await socket.refusal('restartIce', { transportId: '00000000-0000-4000-8000-000000000000' })).toBe(
      'NOT_FOUND',
    );
    await socket.request('createTransport', { direction: 'recv' });
    await socket.request('createTransport', { direction: 'send' });
    expect(await socket.refusal('createTransport', { direction: 'send' })).toBe('LIMIT_REACHED');
    expect(server.guichet.media.mediaCounts().transports).toBe(3);
  });
});

describe('commands reach the live room', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T13:20:00Z'));
  const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';
  const book = (api: ReturnType<typeof apiClient>) =>
    api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });

  /** The agent in the call, the citizen knocking in the lobby. */
  async function liveAppointment() {
    clock.set('2026-12-03T13:20:00Z');
    const server = await serverWith({}, clock);
    const api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice' }));
    const view = await book(api);
    const agent = await client(server);
    await agent.request('join', {
      roomId: view.roomId,
      displayName: 'Alice',
      token: tokenOf(view.links.agent),
    });
    const citizen = await client(server);
    const joined = await citizen.request('join', {
      roomId: view.roomId,
      displayName: 'Marie',
      token: tokenOf(view.links.citizen),
    });
    expect(joined.state).toBe('lobby');
    return { server, api, view, agent, citizen };
  }

  it('a REST cancel ends the live room within 1 s for everyone, the lobby included', async () => {
    const { server, api, view, agent, citizen } = await liveAppointment();
    const started = performance.now();
    const cancelled = await api.cancel(view.id);
    expect(cancelled.status).toBe('cancelled');
    await vi.waitFor(
      () => {
        expect(citizen.received('roomClosed')).toEqual([{ reason: 'cancelled' }]);
        expect(agent.received('roomClosed')).toEqual([{ reason: 'cancelled' }]);
      },
      { timeout: 1000, interval: 10 },
    );
    const elapsed = performance.now() - started;
    console.log(`room-core: REST cancel → roomClosed on both sockets in ${elapsed.toFixed(0)} ms`);
    expect(server.guichet.rooms.liveRooms).toBe(0);
    // Nobody gets back in, and the link says why.
    expect(
      await citizen.refusal('join', {
        roomId: view.roomId,
        displayName: 'Marie',
        token: tokenOf(view.links.citizen),
      }),
    ).toBe('ACCESS_CLOSED');
    const page = await fetch(view.links.citizen);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Ce rendez-vous a été annulé');
  });

  it('a reschedule to later tells those inside the new time and closes the room', async () => {
    const { server, api, view, agent, citizen } = await liveAppointment();
    await api.patch(view.id, { startsAt: '2026-12-04T10:00:00+01:00' });
    const expected = [{ reason: 'rescheduled', startsAt: '2026-12-04T09:00:00.000Z' }];
    await vi.waitFor(() => {
      expect(citizen.received('roomClosed')).toEqual(expected);
      expect(agent.received('roomClosed')).toEqual(expected);
    });
    expect(server.guichet.rooms.liveRooms).toBe(0);
  });

  it('ends the call for all from REST (the agent only), the lobby included, and the appointment is over', async () => {
    const { server, api, view, agent, citizen } = await liveAppointment();
    const end = (token: string) =>
      fetch(`${server.baseUrl}/api/v1/rooms/${view.roomId}/end`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    // Another agent can't, and learns nothing about the room.
    expect((await end(server.guichet.agents.mint({ id: 'bob' }))).status).toBe(404);
    expect(citizen.received('roomClosed')).toEqual([]);
    expect((await end(server.guichet.agents.mint({ id: 'alice' }))).status).toBe(204);
    await vi.waitFor(() => {
      expect(citizen.received('roomClosed')).toEqual([{ reason: 'ended' }]);
      expect(agent.received('roomClosed')).toEqual([{ reason: 'ended' }]);
    });
    await vi.waitFor(async () => expect((await api.get(view.id)).status).toBe('ended'));
  });

  it('keeps the appointment state: open, in progress, ended; the ended link says it is over', async () => {
    const { server, api, view, agent, citizen } = await liveAppointment();
    await vi.waitFor(async () => expect((await api.get(view.id)).status).toBe('open'));
    const citizenId = agent.received('knock')[0]?.peer.peerId;
    if (!citizenId) throw new Error('the agent saw no knock');
    await agent.request('admit', { peerId: citizenId });
    await vi.waitFor(async () => expect((await api.get(view.id)).status).toBe('in_progress'));
    await agent.request('endMeeting', {});
    await vi.waitFor(() => expect(citizen.received('roomClosed')).toEqual([{ reason: 'ended' }]));
    await vi.waitFor(async () => expect((await api.get(view.id)).status).toBe('ended'));

    const page = await fetch(view.links.citizen);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Ce rendez-vous est terminé');
    // No new knock after the end.
    const late = await client(server);
    expect(
      await late.refusal('join', {
        roomId: view.roomId,
        displayName: 'Marie',
        token: tokenOf(view.links.citizen),
      }),
    ).toBe('APPOINTMENT_OVER');
  });
});
