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
import type { JoinGrant, JoinPolicy } from './join-policy.js';
import { KeyedQueue } from './keyed-queue.js';
import type { MediaBackend } from './media-port.js';
import type { PeerChannel } from './peer-channel.js';
import { Participant } from './participant.js';
import * as controls from './room-controls.js';
import type { RoomCommand } from './room-command.js';
import type { MemberLedger, MemberRecord, RoomPlacement } from './room-placement.js';
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
  /** Which node a room lives on (the cluster's directory); unset: always here. */
  placement?: RoomPlacement;
  /** Members kept where another node can give them their place back; unset: none. */
  ledger?: MemberLedger;
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

  async join(request: JoinRequest, channel: PeerChannel): Promise<Membership & { result: JoinResult }> {
    if (!this.#accepting) throw new AppError('SHUTTING_DOWN', 'this server is restarting; try again', 503);
    const record = await this.#deps.store.getRoom(request.roomId);
    if (!record) throw new NotFoundError('ROOM_NOT_FOUND', 'no room with this id');
    const grant = await this.#deps.policy.authorise(request, record);
    // A place kept by another node (or a room since reopened): role and admission survive the move.
    const recalled =
      request.resume && this.#deps.ledger
        ? await this.#deps.ledger.recall(request.roomId, request.resume.peerId, request.resume.secret)
        : null;

    const joined = await this.#queue.run(request.roomId, async () => {
      const room = await this.#liveRoom(record, grant);
      const resumed = request.resume ? this.#resume(room, request.resume, channel) : null;
      const restored =
        resumed ??
        (recalled && request.resume ? this.#restore(room, recalled, request.resume.secret, channel) : null);
      const participant = restored ?? this.#newParticipant(room, request, grant, channel);
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
      if (room.remove(peerId)) this.#deps.ledger?.forget(room.id, peerId);
      if (room.size === 0 && this.#live.get(room.id) === room) this.#closeRoom(room, 'ended');
    });
  }

  /** A host admits a knocking guest; the admission is recorded where another node can find it. */
  admit(room: Room, hostId: PeerId, guestId: PeerId): void {
    controls.admit(room, hostId, guestId);
    const guest = room.participant(guestId);
    if (guest) this.#remember(room, guest);
  }

  /**
   * A command from anywhere in the cluster (the bus delivers it here when
   * this node owns the room): for now every kind ends the live room for
   * everyone. The room core's own apply (item 7) replaces this.
   */
  apply(roomId: RoomId, command: RoomCommand): Promise<void> {
    return this.#queue.run(roomId, async () => {
      const room = this.#live.get(roomId);
      if (!room) return;
      room.audit('ended', 'system', { by: command.kind });
      this.#closeRoom(room, 'ended');
    });
  }

  /** The host ends the call for everyone: all see the end screen. */
  endMeeting(room: Room, hostId: PeerId): Promise<void> {
    room.host(hostId);
    return this.#queue.run(room.id, async () => {
      room.audit('ended', 'host', { by: hostId });
      this.#closeRoom(room, 'ended');
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
    for (const room of this.#live.values()) {
      this.#deps.placement?.release(room.id);
      room.close(reason);
    }
    this.#live.clear();
  }

  /** Closes a room and, if it is this node's live one, frees its place in the cluster. */
  #closeRoom(room: Room, reason: RoomClosedReason): void {
    if (this.#live.get(room.id) === room) {
      this.#live.delete(room.id);
      this.#deps.placement?.release(room.id);
    }
    // Ended for everyone: no one resumes into it. After a media failure they do, on a fresh router.
    if (reason === 'ended') this.#deps.ledger?.forgetRoom(room.id);
    room.close(reason);
  }

  #remember(room: Room, participant: Participant): void {
    const { peerId, displayName, role, state } = participant;
    this.#deps.ledger?.remember(room.id, { peerId, displayName, role, state }, participant.resumeSecret);
  }

  /** Someone whose place this room (on this node, or this media) never held: back with their role and admission. */
  #restore(room: Room, member: MemberRecord, resumeSecret: string, channel: PeerChannel): Participant {
    const participant = new Participant({
      ...member,
      resumeSecret,
      channel,
      log: this.#deps.log.child({ roomId: room.id, peerId: member.peerId }),
    });
    room.add(participant);
    participant.log.info({ state: member.state }, 'peer restored from the ledger');
    return participant;
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
    this.#remember(room, participant);
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
    // Another node may own the room: then this throws ROOM_ELSEWHERE with its address.
    await this.#deps.placement?.claim(roomId);
    // The media listener needs the Room, which needs the media: a late-bound reference.
    const ref: { room?: Room } = {};
    const media = await this.#openMedia(
      roomId,
      {
        consumerClosed: (peerId, consumerId) => ref.room?.notify(peerId, 'consumerClosed', { consumerId }),
        activeSpeaker: (peerId) => ref.room?.broadcast('activeSpeaker', { peerId }),
        failed: () => {
          log.warn('media failed; closing the room so its peers rejoin elsewhere');
          if (ref.room) this.#closeRoom(ref.room, 'media-failure');
        },
      },
      log,
    );
    const room = new Room(roomId, media, log, this.#auditFor(grant.appointmentId, log));
    ref.room = room;
    this.#live.set(roomId, room);
    return room;
  }

  /** Opens the room's media; if that fails, the claim just taken goes too. */
  async #openMedia(...args: Parameters<MediaBackend['openRoom']>): ReturnType<MediaBackend['openRoom']> {
    try {
      return await this.#deps.media.openRoom(...args);
    } catch (error) {
      this.#deps.placement?.release(args[0]);
      throw error;
    }
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
