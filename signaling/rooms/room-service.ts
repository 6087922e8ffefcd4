import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../errors.js';
import {
  PeerIdSchema,
  type IceServer,
  type JoinRequest,
  type JoinResult,
  type PeerId,
  type RoomClosedReason,
  type RoomId,
  type TransportDirection,
} from '../protocol/index.js';
import type { RoomRecord, RoomStore } from '../store/room-store.js';
import type { JoinGrant, JoinGuard, JoinPolicy } from './join-policy.js';
import { KeyedQueue } from './keyed-queue.js';
import type { MediaBackend } from './media-port.js';
import type { PeerChannel } from './peer-channel.js';
import { Participant } from './participant.js';
import { Room, type RoomAudit } from './room.js';
import { generatePassword, generateRoomId, randomToken, type PasswordHasher } from './secrets.js';

/** Records a room event in an appointment's audit trail. */
export type AuditSink = (
  appointmentId: string,
  event: { type: string; actor: string; detail: Record<string, string> },
) => void;

export interface RoomServiceDeps {
  store: RoomStore;
  media: MediaBackend;
  passwords: PasswordHasher;
  policy: JoinPolicy;
  log: Logger;
  /** ICE servers handed to each joining peer (TURN credentials are per peer). */
  iceServersFor(peerId: PeerId): IceServer[];
  audit?: AuditSink;
  /** The link a host hands to another guest: a one-click link, or the room's address (then the password). */
  inviteLink(roomId: RoomId): Promise<{ link: string; needsPassword: boolean }>;
  /** How long a dropped peer keeps its place, waiting for it to resume (default 20 s). */
  reconnectGraceMs?: number;
  /** Caps on password/token guessing; absent: none (unit tests). */
  guard?: JoinGuard;
}

export interface Membership {
  room: Room;
  participant: Participant;
}

const DEFAULT_GRACE_MS = 20_000;

/**
 * The rooms of this node: who may enter, and the live Room objects. Joins
 * and leaves for one room id run one at a time (KeyedQueue), so racing joins
 * share one router and a leave can't close a room someone is entering.
 */
export class RoomService {
  readonly #deps: RoomServiceDeps;
  readonly #live = new Map<RoomId, Room>();
  readonly #queue = new KeyedQueue<RoomId>();
  readonly #graceTimers = new Map<PeerId, NodeJS.Timeout>();
  #accepting = true;

  constructor(deps: RoomServiceDeps) {
    this.#deps = deps;
  }

  async createRoom(createdBy: string, title: string | null): Promise<{ roomId: RoomId; password: string }> {
    const roomId = generateRoomId();
    const password = generatePassword();
    await this.#deps.store.createRoom({
      id: roomId,
      passwordDigest: this.#deps.passwords.digest(password),
      title,
      createdBy,
      createdAt: new Date().toISOString(),
    });
    this.#deps.log.info({ roomId, createdBy }, 'room created');
    return { roomId, password };
  }

  async join(
    request: JoinRequest,
    channel: PeerChannel,
    client: { address: string } = { address: 'unknown' },
  ): Promise<Membership & { result: JoinResult }> {
    if (!this.#accepting) throw new AppError('SHUTTING_DOWN', 'this server is restarting; try again', 503);
    const authorise = async () => {
      const found = await this.#deps.store.getRoom(request.roomId);
      if (!found) throw new NotFoundError('ROOM_NOT_FOUND', 'no room with this id');
      return { record: found, grant: await this.#deps.policy.authorise(request, found) };
    };
    const { record, grant } = this.#deps.guard
      ? await this.#deps.guard.guard({ address: client.address, target: request.roomId }, authorise)
      : await authorise();

    const joined = await this.#queue.run(request.roomId, async () => {
      const room = await this.#liveRoom(record, grant);
      const resumed = request.resume ? this.#resume(room, request.resume, channel) : null;
      const participant = resumed ?? this.#newParticipant(room, request, grant, channel);
      return { room, participant, result: this.#joinResult(room, participant) };
    });
    // Outside the room's queue: the worker builds them while other joins go on.
    const transports = await this.#joinTransports(joined.room, joined.participant, request.transports);
    if (transports) joined.result.transports = transports;
    return joined;
  }

  /**
   * The connection behind `channel` dropped: keep the place for the grace
   * period, then leave. A stale connection's late disconnect (the peer has
   * already resumed on a new one) changes nothing.
   */
  disconnected(room: Room, peerId: PeerId, channel: PeerChannel): void {
    const participant = room.participant(peerId);
    if (!participant || room.closed || participant.channel !== channel) return;
    room.disconnected(peerId);
    clearTimeout(this.#graceTimers.get(peerId));
    const timer = setTimeout(() => {
      this.#graceTimers.delete(peerId);
      if (!participant.connected) void this.leave(room, peerId);
    }, this.#deps.reconnectGraceMs ?? DEFAULT_GRACE_MS);
    timer.unref();
    this.#graceTimers.set(peerId, timer);
  }

  /** Idempotent; closes the room's media once the last peer is gone. */
  leave(room: Room, peerId: PeerId): Promise<void> {
    clearTimeout(this.#graceTimers.get(peerId));
    this.#graceTimers.delete(peerId);
    return this.#queue.run(room.id, async () => {
      room.remove(peerId);
      if (room.size === 0 && this.#live.get(room.id) === room) {
        this.#live.delete(room.id);
        room.close('ended');
      }
    });
  }

  /** The host ends the call for everyone: all see the end screen. */
  endMeeting(room: Room, hostId: PeerId): Promise<void> {
    room.host(hostId);
    return this.#queue.run(room.id, async () => {
      room.audit('ended', 'host', { by: hostId });
      if (this.#live.get(room.id) === room) this.#live.delete(room.id);
      room.close('ended');
    });
  }

  /** Hosts only: a link to invite another guest, who will knock like anyone else. */
  invite(room: Room, hostId: PeerId): Promise<{ link: string; needsPassword: boolean }> {
    room.host(hostId);
    room.audit('invited', 'host', { by: hostId });
    return this.#deps.inviteLink(room.id);
  }

  get liveRooms(): number {
    return this.#live.size;
  }

  get participants(): number {
    let total = 0;
    for (const room of this.#live.values()) total += room.size;
    return total;
  }

  /** Peers with a live connection (a dropped peer waiting to resume is not one: a drain need not wait for it). */
  get connectedParticipants(): number {
    let total = 0;
    for (const room of this.#live.values()) total += room.connectedCount;
    return total;
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  /** Refuse new joins from now on (graceful shutdown). */
  stopAccepting(): void {
    this.#accepting = false;
  }

  closeAll(reason: RoomClosedReason): void {
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
    for (const room of this.#live.values()) room.close(reason);
    this.#live.clear();
  }

  #resume(room: Room, resume: { peerId: PeerId; secret: string }, channel: PeerChannel): Participant | null {
    const participant = room.participant(resume.peerId);
    // An unknown or expired place is not an error: the client simply joins afresh.
    if (!participant || participant.resumeSecret !== resume.secret) return null;
    clearTimeout(this.#graceTimers.get(participant.peerId));
    this.#graceTimers.delete(participant.peerId);
    if (participant.connected) {
      // The old connection is still open (a half-dead socket): this one replaces it.
      room.disconnected(participant.peerId);
      participant.channel.kick('ALREADY_JOINED', 'this place was taken over by a new connection');
    }
    participant.channel = channel;
    participant.connected = true;
    participant.log.info('peer resumed');
    return participant;
  }

  #newParticipant(room: Room, request: JoinRequest, grant: JoinGrant, channel: PeerChannel): Participant {
    if (room.locked && grant.role !== 'host')
      throw new AppError('ROOM_LOCKED', 'the host has locked this room', 423);
    const peerId = PeerIdSchema.parse(randomToken(9));
    const participant = new Participant({
      peerId,
      displayName: request.displayName,
      role: grant.role,
      state: grant.lobby ? 'lobby' : 'admitted',
      resumeSecret: randomToken(18),
      channel,
      log: this.#deps.log.child({ roomId: room.id, peerId }),
    });
    room.add(participant);
    return participant;
  }

  /**
   * The transports a join asked for, saving the client a round trip each.
   * Best effort: a peer in the lobby gets none, and a media error leaves the
   * transport out (the client's own createTransport then reports it).
   */
  async #joinTransports(
    room: Room,
    participant: Participant,
    directions: TransportDirection[] | undefined,
  ): Promise<JoinResult['transports']> {
    if (!directions?.length || participant.state !== 'admitted') return undefined;
    const made = await Promise.all(
      directions.map((direction) =>
        room.createTransport(participant.peerId, direction).then(
          (options) => [direction, options] as const,
          (error: unknown) => {
            participant.log.warn({ err: error, direction }, 'transport for the join not created');
            return null;
          },
        ),
      ),
    );
    const transports: NonNullable<JoinResult['transports']> = {};
    for (const entry of made) if (entry) transports[entry[0]] = entry[1];
    return transports;
  }

  #joinResult(room: Room, participant: Participant): JoinResult {
    return {
      peerId: participant.peerId,
      role: participant.role,
      state: participant.state,
      resumeSecret: participant.resumeSecret,
      routerRtpCapabilities: room.rtpCapabilities,
      peers: room.visibleTo(participant),
      iceServers: this.#deps.iceServersFor(participant.peerId),
      locked: room.locked,
    };
  }

  async #liveRoom(record: RoomRecord, grant: JoinGrant): Promise<Room> {
    const roomId = record.id;
    const existing = this.#live.get(roomId);
    if (existing && !existing.closed) return existing;
    const log = this.#deps.log.child({ roomId });
    // The media listener needs the Room, which needs the media: a late-bound reference.
    const ref: { room?: Room } = {};
    const media = await this.#deps.media.openRoom(
      roomId,
      {
        consumerClosed: (peerId, consumerId) => ref.room?.notify(peerId, 'consumerClosed', { consumerId }),
        activeSpeaker: (peerId) => ref.room?.broadcast('activeSpeaker', { peerId }),
        failed: () => {
          log.warn('media failed; closing the room so its peers rejoin elsewhere');
          if (ref.room && this.#live.get(roomId) === ref.room) this.#live.delete(roomId);
          ref.room?.close('media-failure');
        },
      },
      log,
    );
    const room = new Room(roomId, media, log, this.#auditFor(grant.appointmentId, log));
    ref.room = room;
    this.#live.set(roomId, room);
    return room;
  }

  #auditFor(appointmentId: string | null, log: Logger): RoomAudit {
    const sink = this.#deps.audit;
    if (!appointmentId || !sink) return () => undefined;
    return (type, actor, detail) => {
      try {
        sink(appointmentId, { type, actor, detail });
      } catch (error) {
        log.error({ err: error, type }, 'audit event lost');
      }
    };
  }
}
