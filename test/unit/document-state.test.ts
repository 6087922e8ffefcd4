import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../signaling/errors.js';
import {
  DocumentStateRequestSchema,
  EVENT_SCHEMAS,
  type JoinRequest,
  type RoomId,
} from '../../signaling/protocol/index.js';
import type { JoinPolicy } from '../../signaling/rooms/join-policy.js';
import { RoomService } from '../../signaling/rooms/room-service.js';
import { PasswordHasher } from '../../signaling/rooms/secrets.js';
import { enterRequestOf } from '../../signaling/ws/join-request.js';
import { FakeMediaBackend } from '../helpers/fake-media.js';
import { MemoryRoomStore } from '../helpers/memory-room-store.js';
import { RecordingChannel } from '../helpers/recording-channel.js';

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

/* Issue 16: the agent sees what the citizen's document mode does. */
describe('document state, guest to hosts', () => {
  let rooms: RoomService;
  let roomId: RoomId;

  const enter = async (name: string, auth: Partial<JoinRequest>) => {
    const channel = new RecordingChannel();
    const { member } = await rooms.enter(
      enterRequestOf({ roomId, displayName: name, ...auth }),
      channel.channel,
    );
    return { member, channel, id: member.peerId };
  };

  beforeEach(async () => {
    rooms = new RoomService({
      store: new MemoryRoomStore(),
      media: new FakeMediaBackend(),
      passwords: new PasswordHasher('p'.repeat(32)),
      policy,
      log: pino({ level: 'silent' }),
      iceServersFor: () => [],
      inviteLink: async (id) => ({ link: `http://guichet.test/r/${id}?t=invite`, needsPassword: false }),
      audit: () => undefined,
      reconnectGraceMs: 1000,
    });
    ({ roomId } = await rooms.createRoom('agent', null));
  });

  it('relays an admitted guest’s state to the hosts only, as a valid event', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    const other = await enter('Interprète', { password: 'x' });
    host.member.admit(guest.id);
    host.member.admit(other.id);
    const before = other.channel.events.length;

    guest.member.documentState({ state: 'rear', width: 3840, height: 2160 });

    const relayed = host.channel.events.filter((e) => e.event === 'documentState');
    expect(relayed).toHaveLength(1);
    expect(EVENT_SCHEMAS.documentState.parse(relayed[0]?.payload)).toEqual({
      peerId: guest.id,
      report: { state: 'rear', width: 3840, height: 2160 },
    });
    // Neither the other guest nor the sender hears it.
    expect(other.channel.events.slice(before).map((e) => e.event)).not.toContain('documentState');
    expect(guest.channel.names()).not.toContain('documentState');
  });

  it('refuses it from the lobby and from a host, with no effect', async () => {
    const host = await enter('Agent', { token: 'host' });
    const waiting = await enter('Marie', { password: 'x' });
    expect(await codeOf(() => waiting.member.documentState({ state: 'denied' }))).toBe('FORBIDDEN');
    expect(await codeOf(() => host.member.documentState({ state: 'rear', width: 1, height: 1 }))).toBe(
      'FORBIDDEN',
    );
    expect(host.channel.names()).not.toContain('documentState');
  });

  it('rate-limits a guest that floods it (RATE_LIMITED), the first ones relayed', async () => {
    const host = await enter('Agent', { token: 'host' });
    const guest = await enter('Marie', { password: 'x' });
    host.member.admit(guest.id);
    const codes: string[] = [];
    for (let i = 0; i < 10; i += 1)
      codes.push(await codeOf(() => guest.member.documentState({ state: 'off' })));
    expect(codes.slice(0, 6)).toEqual(Array(6).fill('ok'));
    expect(codes.slice(6)).toContain('RATE_LIMITED');
    expect(host.channel.events.filter((e) => e.event === 'documentState')).toHaveLength(
      codes.filter((c) => c === 'ok').length,
    );
  });

  it('takes a size (both sides) with camera states only', () => {
    expect(DocumentStateRequestSchema.safeParse({ state: 'rear', width: 3840, height: 2160 }).success).toBe(
      true,
    );
    expect(DocumentStateRequestSchema.safeParse({ state: 'rear' }).success).toBe(true);
    expect(DocumentStateRequestSchema.safeParse({ state: 'rear', width: 3840 }).success).toBe(false);
    expect(DocumentStateRequestSchema.safeParse({ state: 'denied', width: 10, height: 10 }).success).toBe(
      false,
    );
    expect(DocumentStateRequestSchema.safeParse({ state: 'denied' }).success).toBe(true);
    expect(DocumentStateRequestSchema.safeParse({ state: 'rear', width: 0, height: 10 }).success).toBe(false);
    expect(DocumentStateRequestSchema.safeParse({ state: 'open sesame' }).success).toBe(false);
    expect(DocumentStateRequestSchema.safeParse({ state: 'off', extra: 1 }).success).toBe(false);
  });
});
