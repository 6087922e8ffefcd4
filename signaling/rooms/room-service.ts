import type { Logger } from 'pino';
import { AppError, AuthError, NotFoundError, RoomElsewhereError } from '../errors.js';
import {
  PeerIdSchema,
  type Credential,
  type IceServer,
  type JoinResult,
  type PeerId,
  type ResumeCredential,
  type RoomClosedReason,
  type RoomId,
  type TransportDirection,
} from '../protocol/index.js';
import type { MemberRecord, RoomRecord, RoomStore } from '../store/room-store.js';
import type { AppointmentProgress } from './appointment-progress.js';
import type { AuditSink } from './audit.js';
import type { JoinGrant, JoinGuard, JoinPolicy } from './join-policy.js';
import { KeyedQueue } from './keyed-queue.js';
import type { MediaBackend } from './media-port.js';
import { openRoomMedia } from './media-recovery.js';
import { MemberRecords, sameSecret } from './member-records.js';
import { Member, type MemberHost } from './member.js';
import { phoneDisplayName } from './phone-caller.js';
import type { PeerChannel } from './peer-channel.js';
import type { RoomCommand } from './room-command.js';
import type { MemberCaps } from './member-limits.js';
import type { EntryRoute, RoomPlacement } from './room-placement.js';
import type { Room } from './room.js';
import { type RoomAudit } from './room.js';
import { generatePassword, generateRoomId, randomToken, type PasswordHasher } from './secrets.js';
import { LobbyCap } from '../security/room-caps.js';

export interface RoomServiceDeps {
  store: RoomStore;
  media: MediaBackend;
  passwords: PasswordHasher;
  policy: JoinPolicy;
  log: Logger;
  /** ICE servers handed to each joining peer (TURN credentials are per peer). */
  iceServersFor(peerId: PeerId): IceServer[];
  audit?: AuditSink;
  /** Appointment rooms: someone entered, a guest was admitted, the meeting ended. */
  progress?: AppointmentProgress;
  /** The link a host hands to another guest: a one-click link, or the room's address (then the password). */
  inviteLink(roomId: RoomId): Promise<{ link: string; needsPassword: boolean }>;
  /** How long a dropped peer keeps its place, waiting for it to resume (default 20 s). */
  reconnectGraceMs?: number;
  /** Which node a room lives on (the cluster's directory); unset: always here. */
  placement?: RoomPlacement;
  /** Guests waiting in one room's lobby at most (default 20: an appointment has one citizen, perhaps a companion). */
  lobbyMax?: number;
  /** What each member may hold (transports, producers, consumers); default DEFAULT_MEMBER_CAPS. */
  memberCaps?: MemberCaps;
  /** Caps on password/token guessing; absent: none (unit tests). */
  guard?: JoinGuard;
}

/** One way in, whatever the entry point: a socket, a REST call, the phone gateway. */
export interface EnterRequest {
  roomId: RoomId;
  displayName: string;
  credential: Credential;
  /** Also given: try to take back this place first, else enter with `credential`. */
  resume?: ResumeCredential;
  /** Transports to build in the same step (admitted members only). */
  transports?: TransportDirection[];
}

const DEFAULT_GRACE_MS = 20_000;
const DEFAULT_LOBBY_MAX = 20;

/**
 * The rooms of this node: who may enter, and the live Room objects. Entries
 * and leaves for one room id run one at a time (KeyedQueue), so racing joins
 * share one router and a leave can't close a room someone is entering.
 * Members are recorded in the store (role, admission, resume digest), so a
 * place survives this process's media, and can be read by another node.
 */
export class RoomService implements MemberHost {
  readonly #deps: RoomServiceDeps;
  readonly #live = new Map<RoomId, Room>();
  readonly #queue = new KeyedQueue<RoomId>();
  readonly #graceTimers = new Map<Member, NodeJS.Timeout>();
  readonly #records: MemberRecords;
  readonly #lobbyCap: LobbyCap;
  #accepting = true;

  constructor(deps: RoomServiceDeps) {
    this.#deps = deps;
    this.#records = new MemberRecords(deps.store, deps.log);
    this.#lobbyCap = new LobbyCap(deps.lobbyMax ?? DEFAULT_LOBBY_MAX);
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

  /**
   * `client.address` feeds the guessing caps (JoinGuard): a wrong password,
   * token or PIN counts against the address and the room alike.
   * `client.route` tells the directory how the join got here, if it opens the room.
   */
  async enter(
    request: EnterRequest,
    channel: PeerChannel,
    client: { address: string; route?: EntryRoute } = { address: 'unknown' },
  ): Promise<{ member: Member; result: JoinResult }> {
    if (!this.#accepting) throw new AppError('SHUTTING_DOWN', 'this server is restarting; try again');
    // A room another node runs: send the client there first. Its guard, store read and credential
    // check would be done twice otherwise (here, then by the owner), which made a redirected join
    // cost nearly a whole join on the node that only forwards it.
    const elsewhere = this.#live.has(request.roomId)
      ? null
      : await this.#deps.placement?.locate?.(request.roomId);
    if (elsewhere) throw new RoomElsewhereError(elsewhere);
    const { credential } = request;
    const authorise = async (): Promise<{ record: RoomRecord; grant: JoinGrant | null }> => {
      const found = await this.#deps.store.getRoom(request.roomId);
      if (!found) throw new NotFoundError('ROOM_NOT_FOUND', 'no room with this id');
      // A resume alone must match a place; with another credential it is only a wish.
      const granted =
        credential.kind === 'resume' ? null : await this.#deps.policy.authorise(credential, found);
      return { record: found, grant: granted };
    };
    // A trusted service (the phone gateway) speaks for many callers from one address.
    const trusted = credential.kind !== 'resume' && this.#deps.policy.trustedService?.(credential) === true;
    const { record, grant } =
      this.#deps.guard && !trusted
        ? await this.#deps.guard.guard({ address: client.address, target: request.roomId }, authorise)
        : await authorise();
    const resume = credential.kind === 'resume' ? credential : request.resume;
    const stored = resume ? await this.#records.place(record.id, resume) : null;

    const member = await this.#queue.run(record.id, async () => {
      const room = await this.#liveRoom(
        record,
        grant?.appointmentId ?? stored?.appointmentId ?? null,
        client.route,
      );
      try {
        const resumed = resume ? this.#resume(room, resume, stored, channel) : null;
        if (resumed) return resumed;
        if (!grant) throw new AuthError('this place is gone; join again');
        return this.#newMember(room, request.displayName, grant, channel);
      } catch (error) {
        // A room opened for an entry that failed must not stay open with nobody in it.
        if (room.size === 0 && this.#live.get(room.id) === room) this.#closeRoom(room, 'ended');
        throw error;
      }
    });
    const result = this.#joinResult(member);
    // Outside the room's queue: the worker builds them while other joins go on.
    const transports = await this.#joinTransports(member, request.transports);
    if (transports) result.transports = transports;
    return { member, result };
  }

  /**
   * The connection behind `channel` dropped: keep the place for the grace
   * period, then leave, always. A stale connection's late disconnect (the
   * member has already resumed on a new one) changes nothing.
   */
  disconnected(member: Member, channel: PeerChannel): void {
    const room = member.room;
    if (room.closed || room.member(member.peerId) !== member || member.channel !== channel) return;
    room.disconnected(member);
    clearTimeout(this.#graceTimers.get(member));
    const timer = setTimeout(() => {
      this.#graceTimers.delete(member);
      if (!member.connected) void this.leave(member);
    }, this.#deps.reconnectGraceMs ?? DEFAULT_GRACE_MS);
    timer.unref();
    this.#graceTimers.set(member, timer);
  }

  /** Idempotent; closes the room's media once the last member is gone. */
  leave(member: Member): Promise<void> {
    return this.evict(member.room, member.peerId);
  }

  evict(room: Room, peerId: PeerId): Promise<void> {
    const member = room.member(peerId);
    if (member) this.#clearGrace(member);
    return this.#queue.run(room.id, async () => {
      if (room.remove(peerId)) this.#records.forget(room.id, peerId);
      if (room.size === 0 && this.#live.get(room.id) === room) this.#closeRoom(room, 'ended');
    });
  }

  /** The host ends the call for everyone: all see the end screen. */
  endMeeting(room: Room, by: Member): Promise<void> {
    return this.#queue.run(room.id, async () => {
      room.audit('ended', 'host', { by: by.peerId });
      if (room.appointmentId) this.#deps.progress?.ended(room.appointmentId);
      this.#closeRoom(room, 'ended');
    });
  }

  /**
   * A command from elsewhere (a REST cancel, another node's bus): acts on
   * this node's room if it is live here, else there is nobody to tell.
   */
  async apply(roomId: RoomId, command: RoomCommand): Promise<void> {
    const room = this.#live.get(roomId);
    if (!room) return;
    await this.#queue.run(roomId, async () => {
      room.audit(command.kind === 'end' ? 'ended' : `room-${command.kind}`, 'system', {});
      if (command.kind === 'cancel') this.#closeRoom(room, 'cancelled');
      else if (command.kind === 'reschedule') this.#closeRoom(room, 'rescheduled', command.startsAt);
      else {
        if (room.appointmentId) this.#deps.progress?.ended(room.appointmentId);
        this.#closeRoom(room, 'ended');
      }
    });
  }

  invite(room: Room): Promise<{ link: string; needsPassword: boolean }> {
    return this.#deps.inviteLink(room.id);
  }

  changed(member: Member): void {
    this.#records.remember(member);
    if (member.state === 'admitted' && member.role === 'guest' && member.room.appointmentId) {
      this.#deps.progress?.inProgress(member.room.appointmentId);
    }
  }

  /** The live room, for tests and metrics. */
  liveRoom(roomId: RoomId): Room | undefined {
    return this.#live.get(roomId);
  }

  get liveRooms(): number {
    return this.#live.size;
  }

  get participants(): number {
    let total = 0;
    for (const room of this.#live.values()) total += room.size;
    return total;
  }

  /** Members with a live connection (a dropped one waiting to resume is not: a drain need not wait for it). */
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
    for (const room of [...this.#live.values()]) this.#closeRoom(room, reason);
  }

  #closeRoom(room: Room, reason: RoomClosedReason, startsAt?: string): void {
    for (const member of room.members()) this.#clearGrace(member);
    if (this.#live.get(room.id) === room) {
      this.#live.delete(room.id);
      // This node's claim on the room goes with it (the cluster's directory).
      this.#deps.placement?.release(room.id);
    }
    room.close(reason, startsAt);
    this.#records.forgetRoom(room.id);
  }

  #clearGrace(member: Member): void {
    clearTimeout(this.#graceTimers.get(member));
    this.#graceTimers.delete(member);
  }

  /**
   * The place behind a resume: the live member (this node still holds it),
   * or the stored record (this node lost it: a restart, another node's room).
   * An unknown or expired place is not an error: the caller joins afresh.
   */
  #resume(
    room: Room,
    resume: ResumeCredential,
    stored: MemberRecord | null,
    channel: PeerChannel,
  ): Member | null {
    const live = room.member(resume.peerId);
    if (live && sameSecret(resume.secret, live.resumeSecret)) {
      this.#clearGrace(live);
      if (live.connected) {
        // The old connection is still open (a half-dead socket): this one replaces it.
        room.disconnected(live);
        live.channel.kick('ALREADY_JOINED', 'this place was taken over by a new connection');
      }
      live.channel = channel;
      live.connected = true;
      live.log.info('peer resumed');
      return live;
    }
    if (live || !stored) return null;
    const member = new Member(room, this, {
      peerId: stored.peerId,
      displayName: stored.displayName,
      role: stored.role,
      kind: stored.kind,
      state: stored.state,
      resumeSecret: resume.secret,
      channel,
      log: this.#deps.log.child({ roomId: room.id, peerId: stored.peerId }),
      caps: this.#deps.memberCaps,
    });
    room.add(member);
    member.log.info('peer resumed from its stored place');
    return member;
  }

  #newMember(room: Room, displayName: string, grant: JoinGrant, channel: PeerChannel): Member {
    if (room.locked && grant.role !== 'host')
      throw new AppError('ROOM_LOCKED', 'the host has locked this room');
    if (grant.lobby) this.#lobbyCap.check(room.waiting);
    const peerId = PeerIdSchema.parse(randomToken(9));
    const member = new Member(room, this, {
      peerId,
      // A phone caller's name is rebuilt here from its last two digits, whatever the gateway sent.
      displayName: grant.kind === 'phone' ? phoneDisplayName(displayName) : displayName,
      role: grant.role,
      kind: grant.kind,
      state: grant.lobby ? 'lobby' : 'admitted',
      resumeSecret: randomToken(18),
      channel,
      log: this.#deps.log.child({ roomId: room.id, peerId }),
      caps: this.#deps.memberCaps,
    });
    room.add(member);
    this.#records.remember(member);
    if (grant.appointmentId) this.#deps.progress?.opened(grant.appointmentId);
    return member;
  }

  /**
   * The transports a join asked for, saving the client a round trip each.
   * Best effort: a member in the lobby gets none, and a media error leaves the
   * transport out (the client's own createTransport then reports it).
   */
  async #joinTransports(
    member: Member,
    directions: TransportDirection[] | undefined,
  ): Promise<JoinResult['transports']> {
    if (!directions?.length || member.state !== 'admitted') return undefined;
    const made = await Promise.all(
      directions.map((direction) =>
        member.createTransport(direction).then(
          (options) => [direction, options] as const,
          (error: unknown) => {
            member.log.warn({ err: error, direction }, 'transport for the join not created');
            return null;
          },
        ),
      ),
    );
    const transports: NonNullable<JoinResult['transports']> = {};
    for (const entry of made) if (entry) transports[entry[0]] = entry[1];
    return transports;
  }

  #joinResult(member: Member): JoinResult {
    const room = member.room;
    return {
      peerId: member.peerId,
      role: member.role,
      state: member.state,
      resumeSecret: member.resumeSecret,
      routerRtpCapabilities: room.media.rtpCapabilities,
      peers: room.visibleTo(member),
      iceServers: this.#deps.iceServersFor(member.peerId),
      locked: room.locked,
    };
  }

  async #liveRoom(record: RoomRecord, appointmentId: string | null, route?: EntryRoute): Promise<Room> {
    const existing = this.#live.get(record.id);
    if (existing && !existing.closed) return existing;
    const log = this.#deps.log.child({ roomId: record.id });
    // Another node may own the room: then this throws ROOM_ELSEWHERE with its address.
    await this.#deps.placement?.claim(record.id, route);
    const room = await this.#openMedia({
      roomId: record.id,
      appointmentId,
      media: this.#deps.media,
      log,
      audit: this.#auditFor(appointmentId, log),
      // The room could not get its media back: it ends, and its members are told.
      lost: (lostRoom) => {
        if (this.#live.get(lostRoom.id) === lostRoom) this.#closeRoom(lostRoom, 'media-failure');
      },
    });
    this.#live.set(record.id, room);
    return room;
  }

  /** Opens the room's media; if that fails, the claim just taken goes too. */
  async #openMedia(...args: Parameters<typeof openRoomMedia>): ReturnType<typeof openRoomMedia> {
    try {
      return await openRoomMedia(...args);
    } catch (error) {
      this.#deps.placement?.release(args[0].roomId);
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
