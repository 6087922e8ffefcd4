import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { RoomElsewhereError } from '../../signaling/errors.js';
import type { Credential, RoomId } from '../../signaling/protocol/index.js';
import { AdHocJoinPolicy } from '../../signaling/rooms/ad-hoc-join-policy.js';
import type { RoomPlacement } from '../../signaling/rooms/room-placement.js';
import type { Member } from '../../signaling/rooms/member.js';
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

  async locate(roomId: RoomId): Promise<string | null> {
    this.log.push(`locate ${roomId}`);
    return this.elsewhere.get(roomId) ?? null;
  }
}

/*
 * RoomService's cluster hook, with fakes: the placement is asked before a
 * room opens here and told when it closes. Members' places are in the store,
 * so a node that never held the room gives a resuming host and an admitted
 * guest their places back (the store is shared here, as Redis would be).
 */
describe('RoomService placement hook', () => {
  const agents = new AgentAuth({ algorithm: 'HS256', key: SECRET });
  let placement: ScriptedPlacement;
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
    });
  const enter = (rooms: RoomService, displayName: string, credential: Credential, resume?: Member) =>
    rooms.enter(
      {
        roomId,
        displayName,
        credential,
        ...(resume
          ? { resume: { kind: 'resume' as const, peerId: resume.peerId, secret: resume.resumeSecret } }
          : {}),
      },
      new RecordingChannel().channel,
    );

  beforeEach(async () => {
    placement = new ScriptedPlacement();
    media = new FakeMediaBackend();
    store = new MemoryRoomStore();
    ({ roomId, password } = await service().createRoom('agent-1', null));
  });

  it('refuses with the owner address, opening no media, when the room lives elsewhere', async () => {
    placement.elsewhere.set(roomId, 'http://node-b.test:3000');
    const rooms = service();
    const failure = await enter(rooms, 'Marie', { kind: 'password', password }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RoomElsewhereError);
    expect(failure).toMatchObject({ code: 'ROOM_ELSEWHERE', location: 'http://node-b.test:3000' });
    expect(media.opened).toHaveLength(0);
    expect(rooms.liveRooms).toBe(0);
  });

  it('sends a join for a room owned elsewhere on before checking its credential (the owner checks it)', async () => {
    placement.elsewhere.set(roomId, 'http://node-b.test:3000');
    const rooms = service();
    const failure = await enter(rooms, 'Marie', { kind: 'password', password: 'not-the-password' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'ROOM_ELSEWHERE', location: 'http://node-b.test:3000' });
    expect(placement.log).toEqual([`locate ${roomId}`]);
  });

  it('claims once when the room opens here, and releases when the last one leaves', async () => {
    const rooms = service();
    const first = await enter(rooms, 'Marie', { kind: 'password', password });
    const second = await enter(rooms, 'Paul', { kind: 'password', password });
    // The second join finds the room open here: no directory read at all.
    expect(placement.log).toEqual([`locate ${roomId}`, `claim ${roomId}`]);
    await first.member.leave();
    await second.member.leave();
    expect(placement.log).toEqual([`locate ${roomId}`, `claim ${roomId}`, `release ${roomId}`]);
  });

  it('gives a resuming host and an admitted guest their places back in a room another node had', async () => {
    const onA = service();
    const token = agents.mint({ id: 'agent-1' });
    const host = await enter(onA, 'Agent', { kind: 'token', token });
    const guest = await enter(onA, 'Marie', { kind: 'password', password });
    expect(guest.member.state).toBe('admitted');
    // Member records are saved best effort, off the join's path.
    await vi.waitFor(async () => expect(await store.getMember(roomId, guest.member.peerId)).not.toBeNull());

    // Node A dies; node B has never seen this room.
    const onB = service();
    const hostBack = await enter(onB, 'Agent', { kind: 'token', token }, host.member);
    const guestBack = await enter(onB, 'Marie', { kind: 'password', password }, guest.member);
    expect(hostBack.result).toMatchObject({ peerId: host.member.peerId, role: 'host', state: 'admitted' });
    expect(guestBack.result).toMatchObject({ peerId: guest.member.peerId, role: 'guest', state: 'admitted' });
    expect(guestBack.result.peers.map((p) => p.peerId)).toEqual([host.member.peerId]);

    // A wrong secret is a fresh join, not a takeover of someone's place.
    const impostor = await onB.enter(
      {
        roomId,
        displayName: 'Eve',
        credential: { kind: 'password', password },
        resume: { kind: 'resume', peerId: guest.member.peerId, secret: 'guess' },
      },
      new RecordingChannel().channel,
    );
    expect(impostor.result.peerId).not.toBe(guest.member.peerId);
  });
});
