import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../signaling/errors.js';
import type { JoinRequest, PeerId, RoomId } from '../../signaling/protocol/index.js';
import type { JoinPolicy } from '../../signaling/rooms/join-policy.js';
import { enterRequestOf } from '../../signaling/ws/join-request.js';
import { RoomService } from '../../signaling/rooms/room-service.js';
import { PasswordHasher } from '../../signaling/rooms/secrets.js';
import { FakeMediaBackend } from '../helpers/fake-media.js';
import { MemoryRoomStore } from '../helpers/memory-room-store.js';
import { RecordingChannel } from '../helpers/recording-channel.js';

/** Tokens "host" and passwords are enough here: the real rules are tested with appointments. */
const policy: JoinPolicy = {
  async authorise(credential) {
    return credential.kind === 'token' && credential.token === 'host'
      ? { role: 'host', appointmentId: 'apt-1', lobby: false, kind: 'web' }
      : { role: 'guest', appointmentId: 'apt-1', lobby: true, kind: 'web' };
  },
};

const codeOf = async (action: () => unknown): Promise<string> => {
  try {
    await action();
    return 'ok';
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
};

describe('lobby and host controls', () => {
  let rooms: RoomService;
  let roomId: RoomId;
  let audit: { type: string; actor: string }[];

  // The wire's join, through the gateway's own translation to the room core's request.
  const enter = async (name: string, auth: Partial<JoinRequest>) => {
    const channel = new RecordingChannel();
    const { member, result } = await rooms.enter(
      enterRequestOf({ roomId, displayName: name, ...auth }),
      channel.channel,
    );
    return { member, result, channel, room: member.room, id: member.peerId };
  };

  beforeEach(async () => {
    audit = [];
    rooms = new RoomService({
      store: new MemoryRoomStore(),
      media: new FakeMediaBackend(),
      passwords: new PasswordHasher('p'.repeat(32)),
      policy,
      log: pino({ level: 'silent' }),
      iceServersFor: () => [],
      inviteLink: async (id) => ({ link: `http://guichet.test/r/${id}?t=invite`, needsPassword: false }),
      audit: (_id, event) => audit.push({ type: event.type, actor: event.actor }),
      reconnectGraceMs: 1000,
    });
    ({ roomId } = await rooms.createRoom('agent', null));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a guest who arrives before the host in the lobby, with nothing of the room', async () => {
    const guest = await enter('Marie', { password: 'x' });
    expect(guest.result.state).toBe('lobby');
    expect(guest.result.peers).toEqual([]);
    const host = await enter('Agent', { token: 'host' });
    expect(host.result.state).toBe('admitted');
    // The host sees the knock in the join answer; the guest hears nothing of the host.
    expect(host.result.peers.map((p) => [p.displayName, p.state])).toEqual([['Marie', 'lobby']]);
    expect(guest.channel.names()).toEqual([]);
  });

  it('rejects every guest attempt to leave the lobby or act as host, with FORBIDDEN and no effect', async () => {
    const host = await enter('Agent', { token: 'host' });
    const other = await enter('Interprète', { password: 'x' });
    const guest = await enter('Marie', { password: 'x' });
    const { room } = guest;
    const attempts: [string, () => unknown][] = [
      ['admit itself', () => guest.member.admit(guest.id)],
      ['admit another', () => guest.member.admit(other.id)],
      ['refuse another', () => guest.member.refuse(other.id, 'no')],
      ['remove the host', () => guest.member.remove(host.id, undefined)],
      ['mute the host', () => guest.member.mute(host.id)],
      ['verify itself', () => guest.member.verifyIdentity(guest.id, 'id-document')],
      ['lock', () => guest.member.lock(true)],
      ['end the meeting', () => guest.member.endMeeting()],
      ['request a document', () => guest.member.requestDocument(other.id)],
      ['invite someone', () => guest.member.invite()],
      ['create a transport', () => guest.member.createTransport('send')],
      ['consume', () => guest.member.consume({ transportId: 't', producerId: 'p', rtpCapabilities: {} })],
      ['chat', () => guest.member.chat('hello')],
    ];
    for (const [label, attempt] of attempts) {
      expect(`${label}: ${await codeOf(attempt)}`).toBe(`${label}: FORBIDDEN`);
    }
    expect(room.member(guest.id)?.state).toBe('lobby');
    expect(room.member(other.id)?.state).toBe('lobby');
    expect(room.locked).toBe(false);
    expect(room.closed).toBe(false);
    expect(audit.map((e) => e.type)).toEqual(['joined', 'joined', 'joined']);
  });

  it('lets the host admit: the guest gets the room, the room gets the guest', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    expect(host.channel.events.at(-1)).toMatchObject({
      event: 'knock',
      payload: { peer: { displayName: 'Marie', state: 'lobby' } },
    });
    host.member.admit(guest.id);
    expect(guest.channel.events.at(-1)).toMatchObject({
      event: 'admitted',
      payload: { peers: [{ displayName: 'Agent' }] },
    });
    expect(host.channel.names().slice(-2)).toEqual(['knockWithdrawn', 'peerJoined']);
    expect(await codeOf(() => guest.member.createTransport('send'))).toBe('ok');
    expect(audit.map((e) => `${e.type}:${e.actor}`)).toEqual([
      'joined:host',
      'joined:guest',
      'admitted:host',
    ]);
  });

  it('relays lobby previews to hosts only, and rate-limits them', async () => {
    const host = await enter('Agent', { token: 'host' });
    const admittedGuest = await enter('Interprète', { password: 'x' });
    host.member.admit(admittedGuest.id);
    const guest = await enter('Marie', { password: 'x' });
    const image = 'data:image/jpeg;base64,/9j/AAAA';
    guest.member.lobbyPreview(image);
    expect(host.channel.events.at(-1)).toEqual({
      event: 'lobbyPreview',
      payload: { peerId: guest.id, image },
    });
    expect(admittedGuest.channel.names()).not.toContain('lobbyPreview');
    guest.member.lobbyPreview(image);
    expect(await codeOf(() => guest.member.lobbyPreview(image))).toBe('RATE_LIMITED');
    expect(await codeOf(() => admittedGuest.member.lobbyPreview(image))).toBe('FORBIDDEN');
  });

  it('refuses with a reason the guest sees, and records it', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    await host.member.refuse(guest.id, 'Rendez-vous déplacé');
    expect(guest.channel.kicked).toEqual({ code: 'REFUSED', message: 'Rendez-vous déplacé' });
    expect(audit.map((e) => e.type)).toContain('refused');
  });

  it('mutes, locks, verifies identity and ends the meeting for everyone', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    host.member.admit(guest.id);
    const transport = await guest.member.createTransport('send');
    const mic = await guest.member.produce({
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
    });
    await host.member.mute(guest.id);
    expect(guest.channel.events.at(-1)).toEqual({
      event: 'peerMuted',
      payload: { peerId: guest.id, producerId: mic },
    });

    expect(await host.member.invite()).toEqual({
      link: `http://guichet.test/r/${roomId}?t=invite`,
      needsPassword: false,
    });
    host.member.lock(true);
    expect(await codeOf(() => enter('Late', { password: 'x' }))).toBe('ROOM_LOCKED');
    expect(await codeOf(() => enter('Colleague', { token: 'host' }))).toBe('ok');

    host.member.verifyIdentity(guest.id, 'id-document');
    expect(host.channel.events.some((e) => e.event === 'identityVerified')).toBe(true);
    // The verified guest is told; the event names her, so no other guest's page would act on it.
    expect(guest.channel.events.filter((e) => e.event === 'identityVerified')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ peerId: guest.id, method: 'id-document' }),
      }),
    ]);

    await host.member.endMeeting();
    expect(guest.channel.events.at(-1)).toEqual({ event: 'roomClosed', payload: { reason: 'ended' } });
    expect(host.channel.events.at(-1)).toEqual({ event: 'roomClosed', payload: { reason: 'ended' } });
    expect(audit.map((e) => e.type)).toEqual([
      'joined',
      'joined',
      'admitted',
      'invited',
      'locked',
      'joined',
      'identity-verified',
      'ended',
    ]);
  });

  it('keeps a dropped peer in its place, admitted, when it resumes in time', async () => {
    vi.useFakeTimers();
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    host.member.admit(guest.id);
    rooms.disconnected(guest.member, guest.channel.channel);
    await vi.advanceTimersByTimeAsync(900);
    const again = await enter('Marie', {
      password: 'x',
      resume: { peerId: guest.id, secret: guest.result.resumeSecret },
    });
    expect(again.id).toBe(guest.id);
    expect(again.result.state).toBe('admitted');
    // The old connection's disconnect arriving late changes nothing.
    rooms.disconnected(guest.member, guest.channel.channel);
    expect(again.room.member(guest.id)?.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(host.channel.names()).not.toContain('peerLeft');

    // Without a resume, the place is given up after the grace period.
    rooms.disconnected(again.member, again.channel.channel);
    await vi.advanceTimersByTimeAsync(1100);
    expect(host.channel.events.at(-1)).toEqual({ event: 'peerLeft', payload: { peerId: guest.id } });
  });

  it('ignores a resume with the wrong secret: that is a new arrival, in the lobby', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    host.member.admit(guest.id);
    const intruder = await enter('Marie', {
      password: 'x',
      resume: { peerId: guest.id, secret: 'x'.repeat(24) },
    });
    expect(intruder.id).not.toBe(guest.id);
    expect(intruder.result.state).toBe('lobby');
  });

  it('brings the host back in as host while guests stay in the call', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    host.member.admit(guest.id);
    await host.member.leave();
    expect(guest.room.closed).toBe(false);
    const back = await enter('Agent', { token: 'host' });
    expect(back.result).toMatchObject({ role: 'host', state: 'admitted' });
    expect(back.result.peers.map((p) => p.displayName)).toEqual(['Marie']);
    expect(back.room).toBe(guest.room);
  });

  it('keeps chat text as text, bounded, rate-limited, for admitted peers only', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    host.member.admit(guest.id);
    guest.member.chat('<img src=x onerror=alert(1)>');
    expect(host.channel.events.at(-1)).toMatchObject({
      event: 'chatMessage',
      payload: { peerId: guest.id, displayName: 'Marie', text: '<img src=x onerror=alert(1)>' },
    });
    for (let i = 0; i < 4; i += 1) guest.member.chat(`m${i}`);
    expect(await codeOf(() => guest.member.chat('flood'))).toBe('RATE_LIMITED');
    const peerIds: PeerId[] = host.channel.events
      .filter((e) => e.event === 'chatMessage')
      .map(() => guest.id);
    expect(peerIds).toHaveLength(5);
  });

  it('caps the lobby of a room at 20 knockers (LOBBY_FULL), and the hosts still in', async () => {
    for (let i = 0; i < 20; i += 1) await enter(`Knocker ${i}`, { password: 'x' });
    expect(await codeOf(() => enter('One too many', { password: 'x' }))).toBe('LOBBY_FULL');
    expect(await codeOf(() => enter('Agent', { token: 'host' }))).toBe('ok');
  });

  it('limits lobby stills per room, not only per knocker: many knockers cannot flood the host', async () => {
    const still = `data:image/jpeg;base64,${'A'.repeat(16)}`;
    const knockers = [];
    for (let i = 0; i < 12; i += 1) knockers.push(await enter(`Knocker ${i}`, { password: 'x' }));
    // One still each, each knocker well within its own limit: the room's burst is 10.
    const codes = [];
    for (const knocker of knockers) codes.push(await codeOf(() => knocker.member.lobbyPreview(still)));
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('ok'));
    expect(codes.slice(10)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });
});
