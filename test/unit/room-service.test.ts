import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { AppError } from '../../signaling/errors.js';
import { RoomIdSchema, type JoinRequest, type RoomId } from '../../signaling/protocol/index.js';
import { AdHocJoinPolicy } from '../../signaling/rooms/ad-hoc-join-policy.js';
import { RoomService } from '../../signaling/rooms/room-service.js';
import { PasswordHasher } from '../../signaling/rooms/secrets.js';
import { MemoryRoomStore } from '../helpers/memory-room-store.js';
import { FakeMediaBackend } from '../helpers/fake-media.js';
import { RecordingChannel } from '../helpers/recording-channel.js';

const SECRET = 'unit-test-secret-unit-test-secret-0000';

describe('RoomService', () => {
  let media: FakeMediaBackend;
  let agents: AgentAuth;
  let rooms: RoomService;
  let roomId: RoomId;
  let password: string;

  const joinAs = (name: string, extra: Partial<JoinRequest> = {}) => {
    const channel = new RecordingChannel();
    return rooms
      .join({ roomId, displayName: name, password, ...extra }, channel)
      .then((membership) => ({ ...membership, channel }));
  };

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
    rooms = new RoomService({
      store: new MemoryRoomStore(),
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
    const { result } = await joinAs('Marie', { password: password.toLowerCase().replace(/-/g, ' ') });
    expect(result.role).toBe('guest');
    expect(result.peers).toEqual([]);
    expect(result.iceServers).toHaveLength(1);
  });

  it('builds the transports a join asks for, and leaves out one the media plane refuses', async () => {
    const first = await joinAs('Marie', { transports: ['recv', 'send'] });
    expect(Object.keys(first.result.transports ?? {}).sort()).toEqual(['recv', 'send']);
    expect(first.result.transports?.recv?.id).not.toBe(first.result.transports?.send?.id);

    media.opened[0]!.room.failingDirections.add('send');
    const second = await joinAs('Paul', { transports: ['recv', 'send'] });
    // Still in the room: the client asks for the missing one with createTransport, which reports the error.
    expect(second.result.state).toBe('admitted');
    expect(Object.keys(second.result.transports ?? {})).toEqual(['recv']);

    const plain = await joinAs('Léa');
    expect(plain.result.transports).toBeUndefined();
  });

  it('makes an agent with a valid token the host', async () => {
    const token = agents.mint({ id: 'agent-1' });
    const { result } = await rooms.join({ roomId, displayName: 'Agent', token }, new RecordingChannel());
    expect(result.role).toBe('host');
  });

  it('refuses a wrong password, a bad token and an unknown room with distinct codes', async () => {
    expect(await codeOf(joinAs('Eve', { password: 'AAA-BBB-CCC' }))).toBe('WRONG_PASSWORD');
    expect(
      await codeOf(rooms.join({ roomId, displayName: 'Eve', token: 'not.a.jwt' }, new RecordingChannel())),
    ).toBe('UNAUTHORIZED');
    const unknown = RoomIdSchema.parse('zzzz-zzzz-zzzz');
    expect(
      await codeOf(rooms.join({ roomId: unknown, displayName: 'Eve', password }, new RecordingChannel())),
    ).toBe('ROOM_NOT_FOUND');
    expect(media.opened).toHaveLength(0);
  });

  it('opens one media room for concurrent joins of the same room', async () => {
    media.openDelayMs = 30;
    const [a, b, c] = await Promise.all([joinAs('A'), joinAs('B'), joinAs('C')]);
    expect(media.opened).toHaveLength(1);
    expect(new Set([a.room, b.room, c.room]).size).toBe(1);
    expect(rooms.participants).toBe(3);
  });

  it('tells members about arrivals, producers and departures', async () => {
    const a = await joinAs('A');
    const b = await joinAs('B');
    expect(b.result.peers.map((p) => p.displayName)).toEqual(['A']);
    expect(a.channel.names()).toEqual(['peerJoined']);

    const transport = await b.room.createTransport(b.participant.peerId, 'send');
    const producerId = await b.room.produce(b.participant.peerId, {
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
    });
    expect(a.channel.events.at(-1)).toEqual({
      event: 'newProducer',
      payload: {
        peerId: b.participant.peerId,
        producer: { producerId, kind: 'audio', source: 'mic', paused: false },
      },
    });
    // The producer is listed for anyone arriving later.
    const c = await joinAs('C');
    expect(c.result.peers.find((p) => p.displayName === 'B')?.producers.map((p) => p.producerId)).toEqual([
      producerId,
    ]);

    await rooms.leave(b.room, b.participant.peerId);
    expect(a.channel.events.at(-1)).toEqual({ event: 'peerLeft', payload: { peerId: b.participant.peerId } });
    expect(media.opened[0]?.room.closedPeers).toEqual([b.participant.peerId]);
  });

  it("refuses to touch another peer's producer", async () => {
    const a = await joinAs('A');
    const b = await joinAs('B');
    const transport = await a.room.createTransport(a.participant.peerId, 'send');
    const producerId = await a.room.produce(a.participant.peerId, {
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
    });
    expect(await codeOf(b.room.setProducerPaused(b.participant.peerId, producerId, true))).toBe('NOT_FOUND');
    expect(() => b.room.closeProducer(b.participant.peerId, producerId)).toThrow(AppError);
  });

  it('closes the media when the last peer leaves, and is idempotent', async () => {
    const a = await joinAs('A');
    await rooms.leave(a.room, a.participant.peerId);
    await rooms.leave(a.room, a.participant.peerId);
    expect(media.opened[0]?.room.closed).toBe(true);
    expect(rooms.liveRooms).toBe(0);
  });

  it('closes a room whose media failed, tells its peers, and opens a fresh one on the next join', async () => {
    const a = await joinAs('A');
    const b = await joinAs('B');
    media.opened[0]?.room.listener.failed();
    expect(a.channel.events.at(-1)).toEqual({ event: 'roomClosed', payload: { reason: 'media-failure' } });
    expect(b.channel.events.at(-1)).toEqual({ event: 'roomClosed', payload: { reason: 'media-failure' } });
    expect(await codeOf(a.room.createTransport(a.participant.peerId, 'send'))).toBe('ROOM_CLOSED');

    const again = await joinAs('A again');
    expect(media.opened).toHaveLength(2);
    expect(again.room).not.toBe(a.room);
  });

  it('refuses joins once shutting down', async () => {
    rooms.stopAccepting();
    expect(await codeOf(joinAs('Late'))).toBe('SHUTTING_DOWN');
  });
});
