import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { PeerId, PeerInfo, RoomClosedReason, RoomId } from '../protocol/index.js';
import type { MediaRoom } from './media-port.js';
import type { Member } from './member.js';
import type { PeerChannel } from './peer-channel.js';
import { KeyedRateLimit } from '../security/room-caps.js';
import { maskedCaller } from './phone-caller.js';

/** Stills a room's hosts receive at most: a burst, then a steady rate. */
const PREVIEW_BURST = 10;
const PREVIEWS_PER_SECOND = 5;

/** Where room events go for the appointment's audit trail (a no-op for ad-hoc rooms). */
export type RoomAudit = (
  type: string,
  actor: 'host' | 'guest' | 'system',
  detail: Record<string, string>,
) => void;

/**
 * A live room on this node: who is in it (admitted, or knocking in the
 * lobby), and its media. Admitted members see each other; hosts also see
 * the lobby. Nothing of the room reaches the lobby. Joins and leaves are
 * serialised by RoomService; what members do is on Member.
 */
export class Room {
  readonly id: RoomId;
  readonly appointmentId: string | null;
  readonly audit: RoomAudit;
  #media: MediaRoom;
  readonly #log: Logger;
  readonly #members = new Map<PeerId, Member>();
  #closed = false;
  locked = false;
  /**
   * Lobby stills for the whole room, not only per knocker: many knockers
   * each within their own limit could still flood the host (issue 14).
   */
  readonly previews = new KeyedRateLimit(PREVIEW_BURST, PREVIEWS_PER_SECOND);

  constructor(id: RoomId, appointmentId: string | null, media: MediaRoom, log: Logger, audit: RoomAudit) {
    this.id = id;
    this.appointmentId = appointmentId;
    this.#media = media;
    this.#log = log;
    this.audit = audit;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get size(): number {
    return this.#members.size;
  }

  /** Guests knocking at the door now. */
  get waiting(): number {
    let count = 0;
    for (const m of this.#members.values()) if (m.state === 'lobby') count += 1;
    return count;
  }

  get connectedCount(): number {
    let count = 0;
    for (const m of this.#members.values()) if (m.connected) count += 1;
    return count;
  }

  get media(): MediaRoom {
    return this.#media;
  }

  member(peerId: PeerId): Member | undefined {
    return this.#members.get(peerId);
  }

  members(): Member[] {
    return [...this.#members.values()];
  }

  /** What this member may see of the room: admitted members, plus the lobby for hosts. */
  visibleTo(viewer: Member): PeerInfo[] {
    const seen: PeerInfo[] = [];
    if (viewer.state !== 'admitted') return seen;
    for (const m of this.#members.values()) {
      if (m.peerId === viewer.peerId) continue;
      if (m.state === 'admitted' || viewer.isHost) seen.push(m.info());
    }
    return seen;
  }

  add(member: Member): void {
    this.#assertOpen();
    this.#members.set(member.peerId, member);
    const info = member.info();
    if (member.state === 'lobby') this.toHosts((c) => c.knock(info));
    else this.broadcast((c) => c.peerJoined(info), member.peerId);
    this.audit('joined', member.role, {
      peerId: member.peerId,
      state: member.state,
      kind: member.kind,
      ...callerOf(member),
    });
    this.#log.info(
      { peerId: member.peerId, role: member.role, state: member.state, kind: member.kind },
      'peer joined',
    );
  }

  /** Idempotent: removing a member twice is harmless (leave, then disconnect). */
  remove(peerId: PeerId): boolean {
    const member = this.#members.get(peerId);
    if (!member) return false;
    this.#members.delete(peerId);
    this.#media.closePeer(peerId);
    member.mediaGone();
    if (member.state === 'lobby') this.toHosts((c) => c.knockWithdrawn(peerId));
    else this.broadcast((c) => c.peerLeft(peerId));
    this.audit('left', member.role, { peerId, ...callerOf(member) });
    this.#log.info({ peerId, size: this.size }, 'peer left');
    return true;
  }

  /** The connection dropped: its media is gone, its place is kept until it resumes or the grace ends. */
  disconnected(member: Member): void {
    member.connected = false;
    this.#media.closePeer(member.peerId);
    for (const producerId of member.producers.keys()) {
      this.broadcast((c) => c.producerClosed(member.peerId, producerId), member.peerId);
    }
    member.mediaGone();
  }

  /** Admit a knocking guest: they get the room, the room gets them. */
  admit(guest: Member): void {
    guest.state = 'admitted';
    this.toHosts((c) => c.knockWithdrawn(guest.peerId));
    guest.channel.admitted(this.visibleTo(guest));
    const info = guest.info();
    this.broadcast((c) => c.peerJoined(info), guest.peerId);
  }

  /**
   * The media plane lost this room (its worker died) and opened it again
   * elsewhere: members keep their places; what they had on the old media is
   * gone, and each admitted member is told to build it again.
   */
  replaceMedia(media: MediaRoom): void {
    this.#media = media;
    for (const m of this.#members.values()) m.mediaGone();
    for (const m of this.#members.values()) {
      if (m.connected && m.state === 'admitted') m.channel.mediaRestarted(this.visibleTo(m));
    }
  }

  /** To every admitted, connected member. */
  broadcast(send: (channel: PeerChannel) => void, except?: PeerId): void {
    for (const m of this.#members.values()) {
      if (m.peerId !== except && m.state === 'admitted' && m.connected) send(m.channel);
    }
  }

  toHosts(send: (channel: PeerChannel) => void): void {
    for (const m of this.#members.values()) if (m.isHost && m.connected) send(m.channel);
  }

  /** Ends the room for everyone in it, the lobby included. Idempotent. */
  close(reason: RoomClosedReason, startsAt?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const m of this.#members.values()) if (m.connected) m.channel.roomClosed(reason, startsAt);
    this.#members.clear();
    this.#media.close();
    this.#log.info({ reason }, 'room closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('ROOM_CLOSED', 'this room has closed; join again');
  }
}

/** A phone member's masked number (« •• •• 42 ») for the audit trail; nothing for a browser. */
function callerOf(member: Member): { caller?: string } {
  return member.kind === 'phone' ? { caller: maskedCaller(member.displayName) } : {};
}
