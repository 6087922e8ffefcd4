import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { AppError } from '../../signaling/errors.js';
import { RoomIdSchema, type Credential, type RoomId } from '../../signaling/protocol/index.js';
import { AdHocJoinPolicy } from '../../signaling/rooms/ad-hoc-join-policy.js';
import { RoomService, type EnterRequest } from '../../signaling/rooms/room-service.js';
import { PasswordHasher } from '../../signaling/rooms/secrets.js';
import { MemoryRoomStore } from '../helpers/memory-room-store.js';
import { FakeMediaBackend } from '../helpers/fake-media.js';
import { RecordingChannel } from '../helpers/recording-channel.js';

const SECRET = 'unit-test-secret-unit-test-secret-0000';
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] };

describe('RoomService', () => {
  let media: FakeMediaBackend;
  let agents: AgentAuth;
  let store: MemoryRoomStore;
  let rooms: RoomService;
  let roomId: RoomId;
  let password: string;

  const enterAs = async (name: string, extra: Partial<EnterRequest> = {}) => {
    const recorder = new RecordingChannel();
    const request: EnterRequest = {
      roomId,
      displayName: name,
      credential: { kind: 'password', password },
      ...extra,
    };
    const { member, result } = await rooms.enter(request, recorder.channel);
    return { member, result, recorder };
  };
  const withCredential = (credential: Credential) => ({ credential });

  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
      return 'resolved';
    } catch (error) {
      return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
    }
  };

  beforeEach(async () => {
    media = new FakeMediaBackend();
    agents = new AgentAuth({ algorithm: 'HS256', key: SECRET });
    store = new MemoryRoomStore();
    rooms = new RoomService({
      store,
      media,
      passwords: new PasswordHasher(SECRET),
      policy: new AdHocJoinPolicy(agents, new PasswordHasher(SECRET)),
      log: pino({ level: 'silent' }),
      iceServersFor: () => [{ urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'c' }],
      inviteLink: async (id) => ({ link: `http://guichet.test/r/${id}`, needsPassword: true }),
    });
    ({ roomId, password } = await rooms.createRoom('agent-1', null));
  });

  it('lets a guest in with the password, typed loosely', async () => {
    const loose = password.toLowerCase().replace(/-/g, ' ');
    const { result, member } = await enterAs('Marie', withCredential({ kind: 'password', password: loose }));
    expect(result.role).toBe('guest');
    expect(result.peers).toEqual([]);
    expect(result.iceServers).toHaveLength(1);
    expect(member.kind).toBe('web');
  });

  it('builds the transports a join asks for, and leaves out one the media plane refuses', async () => {
    const first = await enterAs('Marie', { transports: ['recv', 'send'] });
    expect(Object.keys(first.result.transports ?? {}).sort()).toEqual(['recv', 'send']);
    expect(first.result.transports?.recv?.id).not.toBe(first.result.transports?.send?.id);

    media.opened[0]!.room.failingDirections.add('send');
    const second = await enterAs('Paul', { transports: ['recv', 'send'] });
    // Still in the room: the client asks for the missing one with createTransport, which reports the error.
    expect(second.result.state).toBe('admitted');
    expect(Object.keys(second.result.transports ?? {})).toEqual(['recv']);

    const plain = await enterAs('Léa');
    expect(plain.result.transports).toBeUndefined();
  });

  it('makes an agent with a valid token the host', async () => {
    const token = agents.mint({ id: 'agent-1' });
    const { result } = await enterAs('Agent', withCredential({ kind: 'token', token }));
    expect(result.role).toBe('host');
  });

  it('refuses a wrong password, a bad token, a PIN and an unknown room with distinct codes', async () => {
    expect(await codeOf(enterAs('Eve', withCredential({ kind: 'password', password: 'AAA-BBB-CCC' })))).toBe(
      'WRONG_PASSWORD',
    );
    expect(await codeOf(enterAs('Eve', withCredential({ kind: 'token', token: 'not.a.jwt' })))).toBe(
      'UNAUTHORIZED',
    );
    // An ad-hoc room has no PIN: the same answer as a wrong password.
    expect(await codeOf(enterAs('Eve', withCredential({ kind: 'pin', pin: '123456' })))).toBe(
      'WRONG_PASSWORD',
    );
    expect(await codeOf(enterAs('Eve', { roomId: RoomIdSchema.parse('zzzz-zzzz-zzzz') }))).toBe(
      'ROOM_NOT_FOUND',
    );
    expect(media.opened).toHaveLength(0);
  });

  it('opens one media room for concurrent joins of the same room', async () => {
    media.openDelayMs = 30;
    const [a, b, c] = await Promise.all([enterAs('A'), enterAs('B'), enterAs('C')]);
    expect(media.opened).toHaveLength(1);
    expect(new Set([a.member.room, b.member.room, c.member.room]).size).toBe(1);
    expect(rooms.participants).toBe(3);
  });

  it('tells members about arrivals, producers and departures', async () => {
    const a = await enterAs('A');
    const b = await enterAs('B');
    expect(b.result.peers.map((p) => p.displayName)).toEqual(['A']);
    expect(a.recorder.names()).toEqual(['peerJoined']);

    const transport = await b.member.createTransport('send');
    const producerId = await b.member.produce({
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: OPUS,
    });
    expect(a.recorder.events.at(-1)).toEqual({
      event: 'newProducer',
      payload: {
        peerId: b.member.peerId,
        producer: { producerId, kind: 'audio', source: 'mic', paused: false },
      },
    });
    // The producer is listed for anyone arriving later.
    const c = await enterAs('C');
    expect(c.result.peers.find((p) => p.displayName === 'B')?.producers.map((p) => p.producerId)).toEqual([
      producerId,
    ]);

    await b.member.leave();
    expect(a.recorder.events.at(-1)).toEqual({ event: 'peerLeft', payload: { peerId: b.member.peerId } });
    expect(media.opened[0]?.room.closedPeers).toEqual([b.member.peerId]);
  });

  it("refuses to touch another member's producer", async () => {
    const a = await enterAs('A');
    const b = await enterAs('B');
    const transport = await a.member.createTransport('send');
    const producerId = await a.member.produce({
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: OPUS,
    });
    expect(await codeOf(b.member.setProducerPaused(producerId, true))).toBe('NOT_FOUND');
    expect(() => b.member.closeProducer(producerId)).toThrow(AppError);
  });

  it('caps transports, producers per source and consumers per member', async () => {
    const a = await enterAs('A');
    const b = await enterAs('B');
    const send = await a.member.createTransport('send');
    await a.member.createTransport('recv');
    await a.member.createTransport('send');
    expect(await codeOf(a.member.createTransport('send'))).toBe('LIMIT_REACHED');

    const mic = { transportId: send.id, kind: 'audio' as const, source: 'mic' as const, paused: false };
    const producerId = await a.member.produce({ ...mic, rtpParameters: OPUS });
    expect(await codeOf(a.member.produce({ ...mic, rtpParameters: OPUS }))).toBe('LIMIT_REACHED');
    // Closing the first frees its source.
    a.member.closeProducer(producerId);
    const again = await a.member.produce({ ...mic, rtpParameters: OPUS });

    const recv = await b.member.createTransport('recv');
    const consume = {
      transportId: recv.id,
      producerId: again,
      rtpCapabilities: media.opened[0]!.room.rtpCapabilities,
    };
    for (let i = 0; i < b.member.limits.caps.consumers; i += 1) await b.member.consume(consume);
    expect(await codeOf(b.member.consume(consume))).toBe('LIMIT_REACHED');
  });

  it('closes the media when the last member leaves, and is idempotent', async () => {
    const a = await enterAs('A');
    await a.member.leave();
    await a.member.leave();
    expect(media.opened[0]?.room.closed).toBe(true);
    expect(rooms.liveRooms).toBe(0);
    expect(store.members.size).toBe(0);
  });

  it('keeps the room when its media fails: reopens it and tells its members to rebuild', async () => {
    const a = await enterAs('A');
    const b = await enterAs('B');
    const transport = await a.member.createTransport('send');
    await a.member.produce({
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: OPUS,
    });
    media.opened[0]?.room.listener.failed();
    await vi.waitFor(() => expect(media.opened).toHaveLength(2));
    await vi.waitFor(() => expect(b.recorder.names().at(-1)).toBe('mediaRestarted'));
    // Same members, same room; the old producers are gone, so nobody lists them.
    expect(b.recorder.events.at(-1)).toEqual({
      event: 'mediaRestarted',
      payload: { peers: [{ ...a.member.info(), producers: [] }] },
    });
    expect(a.recorder.names().at(-1)).toBe('mediaRestarted');
    expect(a.member.room.closed).toBe(false);
    expect(rooms.liveRooms).toBe(1);
    // Media requests now go to the fresh media room.
    await a.member.createTransport('send');
    expect(a.member.room.media).toBe(media.opened[1]?.room);
  });

  it('gives a place back from its stored record, with its role and admission', async () => {
    const a = await enterAs('A');
    const peerId = a.member.peerId;
    const secret = a.result.resumeSecret;
    expect(await store.getMember(roomId, peerId)).toMatchObject({ role: 'guest', state: 'admitted' });
    // This process loses the live member (another node, a restart): the stored record still knows it.
    a.member.room.remove(peerId);
    const back = await enterAs('A', withCredential({ kind: 'resume', peerId, secret }));
    expect(back.member.peerId).toBe(peerId);
    expect(back.result.state).toBe('admitted');
    expect(
      await codeOf(enterAs('A', withCredential({ kind: 'resume', peerId, secret: 'x'.repeat(24) }))),
    ).toBe('UNAUTHORIZED');
  });

  it('applies commands to the live room, the lobby included', async () => {
    const a = await enterAs('A');
    const b = await enterAs('B');
    await rooms.apply(roomId, { kind: 'reschedule', startsAt: '2030-01-01T10:00:00.000Z' });
    for (const { recorder } of [a, b]) {
      expect(recorder.events.at(-1)).toEqual({
        event: 'roomClosed',
        payload: { reason: 'rescheduled', startsAt: '2030-01-01T10:00:00.000Z' },
      });
    }
    expect(rooms.liveRooms).toBe(0);
    // A room that is not live here: nothing to do, no error.
    await rooms.apply(roomId, { kind: 'cancel' });
  });

  it('removes a member whose connection dropped once the grace period is over', async () => {
    vi.useFakeTimers();
    try {
      const a = await enterAs('A');
      const b = await enterAs('B');
      rooms.disconnected(b.member, b.member.channel);
      expect(rooms.participants).toBe(2);
      await vi.advanceTimersByTimeAsync(20_001);
      expect(rooms.participants).toBe(1);
      expect(a.recorder.events.at(-1)).toEqual({ event: 'peerLeft', payload: { peerId: b.member.peerId } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses joins once shutting down', async () => {
    rooms.stopAccepting();
    expect(await codeOf(enterAs('Late'))).toBe('SHUTTING_DOWN');
  });
});
