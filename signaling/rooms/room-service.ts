import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../errors.js';
import type { JoinPolicy } from './join-policy.js';
import {
  PeerIdSchema,
  type IceServer,
  type JoinRequest,
  type JoinResult,
  type PeerId,
  type RoomClosedReason,
  type RoomId,
} from '../protocol/index.js';
import type { RoomStore } from '../store/room-store.js';
import { KeyedQueue } from './keyed-queue.js';
import type { MediaBackend } from './media-port.js';
import type { PeerChannel } from './peer-channel.js';
import { Participant } from './participant.js';
import { Room } from './room.js';
import { generatePassword, generateRoomId, randomToken, type PasswordHasher } from './secrets.js';

export interface RoomServiceDeps {
  store: RoomStore;
  media: MediaBackend;
  passwords: PasswordHasher;
  policy: JoinPolicy;
  log: Logger;
  /** ICE servers handed to each joining peer (TURN credentials are per peer). */
  iceServersFor(peerId: PeerId): IceServer[];
}

export interface Membership {
  room: Room;
  participant: Participant;
}

/**
 * The rooms of this node: who may enter, and the live Room objects. Joins
 * and leaves for one room id run one at a time (KeyedQueue), so racing joins
 * share one router and a leave can't close a room someone is entering.
 */
export class RoomService {
  readonly #deps: RoomServiceDeps;
  readonly #live = new Map<RoomId, Room>();
  readonly #queue = new KeyedQueue<RoomId>();
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
    const { role } = await this.#deps.policy.authorise(request, record);

    return this.#queue.run(request.roomId, async () => {
      const room = await this.#liveRoom(request.roomId);
      const peerId = PeerIdSchema.parse(randomToken(9));
      const participant = new Participant({
        peerId,
        displayName: request.displayName,
        role,
        channel,
        log: this.#deps.log.child({ roomId: room.id, peerId }),
      });
      const peers = room.add(participant);
      return {
        room,
        participant,
        result: {
          peerId,
          role,
          routerRtpCapabilities: room.rtpCapabilities,
          peers,
          iceServers: this.#deps.iceServersFor(peerId),
        },
      };
    });
  }

  /** Idempotent; closes the room's media once the last peer is gone. */
  leave(room: Room, peerId: PeerId): Promise<void> {
    return this.#queue.run(room.id, async () => {
      room.remove(peerId);
      if (room.size === 0 && this.#live.get(room.id) === room) {
        this.#live.delete(room.id);
        room.close('ended');
      }
    });
  }

  get liveRooms(): number {
    return this.#live.size;
  }

  get participants(): number {
    let total = 0;
    for (const room of this.#live.values()) total += room.size;
    return total;
  }

  /** Refuse new joins from now on (graceful shutdown). */
  stopAccepting(): void {
    this.#accepting = false;
  }

  closeAll(reason: RoomClosedReason): void {
    for (const room of this.#live.values()) room.close(reason);
    this.#live.clear();
  }

  async #liveRoom(roomId: RoomId): Promise<Room> {
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
    const room = new Room(roomId, media, log);
    ref.room = room;
    this.#live.set(roomId, room);
    return room;
  }
}
