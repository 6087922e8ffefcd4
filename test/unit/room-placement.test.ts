import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryMemberLedger } from '../../signaling/cluster/member-ledger.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { RoomElsewhereError } from '../../signaling/errors.js';
import { PeerIdSchema, RoomIdSchema, type RoomId } from '../../signaling/protocol/index.js';
import { AdHocJoinPolicy } from '../../signaling/rooms/ad-hoc-join-policy.js';
import type { RoomPlacement } from '../../signaling/rooms/room-placement.js';
import { RoomService } from '../../signaling/rooms/room-service.js';
import { PasswordHasher } from '../../signaling/rooms/secrets.js';
import { FakeMediaBackend } from '../helpers/fake-media.js';
import { MemoryRoomStore } from '../helpers/memory-room-store.js';
import { RecordingChannel } from '../helpers/recording-channel.js';

const SECRET = 'unit-test-secret-unit-test-secret-0000';

/** A directory that a test steers: which rooms live elsewhere, and what was claimed and released. */
class ScriptedPlacement implements RoomPlacement {
  readonly elsewhere = new Map<RoomId, string>();
  readonly log: string[] = [];

  async claim(roomId: RoomId): Promise<void> {
    this.log.push(`claim ${roomId}`);
    const location = this.elsewhere.get(roomId);
    if (location) throw new RoomElsewhereError(location);
  }

  release(roomId: RoomId): void {
    this.log.push(`release ${roomId}`);
  }
}

/*
 * RoomService's two cluster hooks, with fakes: the placement is asked before
 * a room opens here and told when it closes; the ledger gives a resuming
 * peer its role and admission in a room that never held it.
 */
describe('RoomService placement and ledger hooks', () => {
  const agents = new AgentAuth({ algorithm: 'HS256', key: SECRET });
  let placement: ScriptedPlacement;
  let ledger: MemoryMemberLedger;
  let media: FakeMediaBackend;
  let store: MemoryRoomStore;
  let roomId: RoomId;
  let password: string;

  const service = () =>
    new RoomService({
      store,
      media,
      passwords: new PasswordHasher(SECRET),
      policy: new AdHocJoinPolicy(agents, new PasswordHasher(SECRET)),
      log: pino({ level: 'silent' }),
      iceServersFor: () => [],
      inviteLink: async (id) => ({ link: `http://guichet.test/r/${id}`, needsPassword: true }),
      placement,
      ledger,
    });

  beforeEach(async () => {
    placement = new ScriptedPlacement();
    ledger = new MemoryMemberLedger();
    media = new FakeMediaBackend();
    store = new MemoryRoomStore();
    ({ roomId, password } = await service().createRoom('agent-1', null));
  });

  it('refuses with the owner address, opening no media, when the room lives elsewhere', async () => {
    placement.elsewhere.set(roomId, 'http://node-b.test:3000');
    const rooms = service();
    const failure = await rooms
      .join({ roomId, displayName: 'Marie', password }, new RecordingChannel())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoomElsewhereError);
    expect(failure).toMatchObject({ code: 'ROOM_ELSEWHERE', location: 'http://node-b.test:3000' });
    expect(media.opened).toHaveLength(0);
    expect(rooms.liveRooms).toBe(0);
  });

  it('claims once when the room opens here, and releases when the last one leaves', async () => {
    const rooms = service();
    const first = await rooms.join({ roomId, displayName: 'Marie', password }, new RecordingChannel());
    const second = await rooms.join({ roomId, displayName: 'Paul', password }, new RecordingChannel());
    expect(placement.log).toEqual([`claim ${roomId}`]);
    await rooms.leave(first.room, first.participant.peerId);
    await rooms.leave(second.room, second.participant.peerId);
    expect(placement.log).toEqual([`claim ${roomId}`, `release ${roomId}`]);
    expect(ledger.rooms).toBe(0);
  });

  it('gives a resuming host and an admitted guest their places back in a room another node had', async () => {
    // Node A: the host, and a guest the host admitted (the ledger is shared, as Redis would be).
    const onA = service();
    const token = agents.mint({ id: 'agent-1' });
    const host = await onA.join({ roomId, displayName: 'Agent', token }, new RecordingChannel());
    const guest = await onA.join({ roomId, displayName: 'Marie', password }, new RecordingChannel());
    expect(guest.participant.state).toBe('admitted');

    // Node A dies; node B has never seen this room.
    const onB = service();
    const resume = (m: typeof host) => ({ peerId: m.participant.peerId, secret: m.participant.resumeSecret });
    const hostBack = await onB.join(
      { roomId, displayName: 'Agent', token, resume: resume(host) },
      new RecordingChannel(),
    );
    const guestBack = await onB.join(
      { roomId, displayName: 'Marie', password, resume: resume(guest) },
      new RecordingChannel(),
    );
    expect(hostBack.result).toMatchObject({
      peerId: host.participant.peerId,
      role: 'host',
      state: 'admitted',
    });
    expect(guestBack.result).toMatchObject({
      peerId: guest.participant.peerId,
      role: 'guest',
      state: 'admitted',
    });
    expect(guestBack.result.peers.map((p) => p.peerId)).toEqual([host.participant.peerId]);

    // A wrong secret is a fresh join, not a takeover of someone's place.
    const impostor = await onB.join(
      { roomId, displayName: 'Eve', password, resume: { peerId: guest.participant.peerId, secret: 'guess' } },
      new RecordingChannel(),
    );
    expect(impostor.result.peerId).not.toBe(guest.participant.peerId);
  });

  it('the memory ledger forgets rooms nobody touched for a day', async () => {
    let now = 0;
    const aging = new MemoryMemberLedger(() => now);
    const peerId = PeerIdSchema.parse('p1');
    aging.remember(roomId, { peerId, displayName: 'M', role: 'guest', state: 'admitted' }, 's');
    now += 25 * 3600_000;
    aging.remember(
      RoomIdSchema.parse('another-room'),
      { peerId, displayName: 'M', role: 'guest', state: 'lobby' },
      's',
    );
    expect(await aging.recall(roomId, peerId, 's')).toBeNull();
    expect(aging.rooms).toBe(1);
  });
});
