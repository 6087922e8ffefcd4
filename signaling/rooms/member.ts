import type { Logger } from 'pino';
import { AppError, ForbiddenError, NotFoundError } from '../errors.js';
import type {
  ConsumerOptions,
  DocumentStateReport,
  DtlsParameters,
  IdentityMethod,
  ParticipantKind,
  PeerId,
  PeerInfo,
  PeerState,
  ProducerInfo,
  Role,
  RtpCapabilities,
  TransportDirection,
  TransportOptions,
} from '../protocol/index.js';
import type { ConsumeParams, PlainTransportInfo, PlainTransportTarget, ProduceParams } from './media-port.js';
import { MemberLimits, type MemberCaps } from './member-limits.js';
import type { PeerChannel } from './peer-channel.js';
import type { Room } from './room.js';

/** What a member asks of the service that holds its room (serialised leaves, the end, invite links). */
export interface MemberHost {
  leave(member: Member): Promise<void>;
  /** Remove someone else (refused, removed): the same as their own leave. */
  evict(room: Room, peerId: PeerId): Promise<void>;
  endMeeting(room: Room, by: Member): Promise<void>;
  invite(room: Room): Promise<{ link: string; needsPassword: boolean }>;
  /** The member's role or state changed: record it where another node can read it. */
  changed(member: Member): void;
}

export interface MemberInit {
  peerId: PeerId;
  displayName: string;
  role: Role;
  kind: ParticipantKind;
  state: PeerState;
  resumeSecret: string;
  channel: PeerChannel;
  log: Logger;
  /** What this member may hold (default DEFAULT_MEMBER_CAPS). */
  caps?: MemberCaps;
}

/**
 * One person in a live room, and every action they can take there, whatever
 * brought them in (a socket, a phone call, a service). Each action checks
 * the member's own role and state first, so a guest's raw message can't do
 * a host's job and the lobby can't touch media. Limits are the member's own.
 */
export class Member {
  readonly peerId: PeerId;
  readonly displayName: string;
  readonly role: Role;
  readonly kind: ParticipantKind;
  /** Proves a later resume comes from the same person. */
  readonly resumeSecret: string;
  readonly producers = new Map<string, ProducerInfo>();
  readonly limits: MemberLimits;
  state: PeerState;
  channel: PeerChannel;
  log: Logger;
  /** False between a dropped connection and its resume (or the end of the grace period). */
  connected = true;
  readonly #transports = new Set<string>();
  readonly #consumers = new Set<string>();
  #pendingTransports = 0;
  readonly #room: Room;
  readonly #host: MemberHost;

  constructor(room: Room, host: MemberHost, init: MemberInit) {
    this.#room = room;
    this.#host = host;
    this.limits = new MemberLimits(init.caps);
    this.peerId = init.peerId;
    this.displayName = init.displayName;
    this.role = init.role;
    this.kind = init.kind;
    this.state = init.state;
    this.resumeSecret = init.resumeSecret;
    this.channel = init.channel;
    this.log = init.log;
  }

  get room(): Room {
    return this.#room;
  }

  get isHost(): boolean {
    return this.role === 'host' && this.state === 'admitted';
  }

  info(): PeerInfo {
    return {
      peerId: this.peerId,
      displayName: this.displayName,
      role: this.role,
      state: this.state,
      kind: this.kind,
      producers: [...this.producers.values()].map((p) => ({ ...p })),
    };
  }

  /** The media plane dropped everything this member held (disconnect, or a media restart). */
  mediaGone(): void {
    this.producers.clear();
    this.#transports.clear();
    this.#consumers.clear();
  }

  consumerGone(consumerId: string): void {
    this.#consumers.delete(consumerId);
  }

  // Media

  routerCapabilities(): RtpCapabilities {
    this.#inRoom();
    return this.#room.media.rtpCapabilities;
  }

  async createTransport(direction: TransportDirection): Promise<TransportOptions> {
    this.#admitted();
    this.limits.check('transports', this.#transports.size + this.#pendingTransports);
    this.#pendingTransports += 1;
    try {
      const options = await this.#room.media.createTransport(this.peerId, direction);
      this.#transports.add(options.id);
      return options;
    } finally {
      this.#pendingTransports -= 1;
    }
  }

  /** The phone gateway's leg: one plain RTP transport (Opus), for members of kind 'phone' only. */
  async createPlainTransport(target: PlainTransportTarget): Promise<PlainTransportInfo> {
    this.#admitted();
    if (this.kind !== 'phone') throw new ForbiddenError('plain RTP is for phone members');
    this.limits.check('transports', this.#transports.size + this.#pendingTransports);
    this.#pendingTransports += 1;
    try {
      const info = await this.#room.media.createPlainTransport(this.peerId, target);
      this.#transports.add(info.id);
      return info;
    } finally {
      this.#pendingTransports -= 1;
    }
  }

  async connectTransport(transportId: string, dtls: DtlsParameters): Promise<void> {
    this.#admitted();
    await this.#room.media.connectTransport(this.peerId, transportId, dtls);
  }

  async restartIce(transportId: string): Promise<TransportOptions['iceParameters']> {
    this.#admitted();
    return this.#room.media.restartIce(this.peerId, transportId);
  }

  async produce(params: ProduceParams): Promise<string> {
    this.#admitted();
    this.limits.check('producers', this.producers.size);
    for (const producer of this.producers.values()) {
      if (producer.source === params.source) {
        throw new AppError('LIMIT_REACHED', `already sending a ${params.source} stream; close it first`);
      }
    }
    const producerId = await this.#room.media.produce(this.peerId, params);
    const producer = { producerId, kind: params.kind, source: params.source, paused: params.paused };
    this.producers.set(producerId, producer);
    this.#room.broadcast((c) => c.newProducer(this.peerId, { ...producer }), this.peerId);
    return producerId;
  }

  async setProducerPaused(producerId: string, paused: boolean): Promise<void> {
    const producer = this.#ownProducer(producerId);
    await this.#room.media.setProducerPaused(this.peerId, producerId, paused);
    producer.paused = paused;
    this.#room.broadcast((c) => c.producerPaused(this.peerId, producerId, paused), this.peerId);
  }

  closeProducer(producerId: string): void {
    this.#ownProducer(producerId);
    this.producers.delete(producerId);
    this.#room.media.closeProducer(this.peerId, producerId);
    this.#room.broadcast((c) => c.producerClosed(this.peerId, producerId), this.peerId);
  }

  async consume(params: ConsumeParams): Promise<ConsumerOptions> {
    this.#admitted();
    this.limits.check('consumers', this.#consumers.size);
    const options = await this.#room.media.consume(this.peerId, params);
    this.#consumers.add(options.consumerId);
    return options;
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    this.#admitted();
    await this.#room.media.resumeConsumer(this.peerId, consumerId);
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    this.#admitted();
    await this.#room.media.pauseConsumer(this.peerId, consumerId);
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    this.#admitted();
    await this.#room.media.setPreferredLayers(this.peerId, consumerId, spatialLayer, temporalLayer);
  }

  // Lobby, host controls, identity, chat

  /** Let a knocking guest in. Two hosts clicking at once: the second changes nothing. */
  admit(guestId: PeerId): void {
    this.#hostOnly();
    const target = this.#guest(guestId);
    if (target.state !== 'lobby') return;
    this.#room.admit(target);
    this.#room.audit('admitted', 'host', { peerId: guestId, by: this.peerId });
    this.#host.changed(target);
  }

  /** Turn a knocking guest away; they hear why, then they are gone. */
  async refuse(guestId: PeerId, reason: string | undefined): Promise<void> {
    this.#hostOnly();
    const target = this.#guest(guestId);
    if (target.state !== 'lobby')
      throw new ForbiddenError('only someone in the lobby can be refused; remove them instead');
    this.#room.audit('refused', 'host', { peerId: guestId, by: this.peerId });
    // The message is the host's own words, or empty: the client says it in the guest's language.
    target.channel.kick('REFUSED', reason ?? '');
    await this.#host.evict(this.#room, guestId);
  }

  async remove(guestId: PeerId, reason: string | undefined): Promise<void> {
    this.#hostOnly();
    const target = this.#guest(guestId);
    this.#room.audit('removed', 'host', { peerId: guestId, by: this.peerId });
    target.channel.kick('REMOVED', reason ?? '');
    await this.#host.evict(this.#room, guestId);
  }

  async mute(targetId: PeerId): Promise<void> {
    this.#hostOnly();
    const target = this.#room.member(targetId);
    if (!target || target.state !== 'admitted') throw new NotFoundError('NOT_FOUND', 'no such participant');
    for (const producer of target.producers.values()) {
      if (producer.kind !== 'audio' || producer.paused) continue;
      await this.#room.media.setProducerPaused(targetId, producer.producerId, true);
      producer.paused = true;
      this.#room.broadcast((c) => c.peerMuted(targetId, producer.producerId));
      this.#room.broadcast((c) => c.producerPaused(targetId, producer.producerId, true), targetId);
    }
  }

  lock(locked: boolean): void {
    this.#hostOnly();
    this.#room.locked = locked;
    this.#room.broadcast((c) => c.roomLocked(locked));
    this.#room.audit(locked ? 'locked' : 'unlocked', 'host', { by: this.peerId });
  }

  endMeeting(): Promise<void> {
    this.#hostOnly();
    return this.#host.endMeeting(this.#room, this);
  }

  requestDocument(guestId: PeerId): void {
    this.#hostOnly();
    this.#guest(guestId).channel.documentRequested();
  }

  /**
   * A guest tells the hosts what her document mode does (rear camera and its
   * size, or why not). Any admitted guest: she may open it herself, not only
   * when asked. Hosts only hear it; nothing is recorded (it is a device's state).
   */
  documentState(report: DocumentStateReport): void {
    this.#admitted();
    if (this.role !== 'guest') throw new ForbiddenError('document mode is for guests');
    this.limits.documentState.take('document states');
    this.#room.toHosts((c) => c.documentState(this.peerId, { ...report }));
  }

  verifyIdentity(guestId: PeerId, method: IdentityMethod): void {
    this.#hostOnly();
    const guest = this.#guest(guestId);
    // Who, when and how; never an image, never the note (it could hold personal data).
    this.#room.audit('identity-verified', 'host', { peerId: guestId, by: this.peerId, method });
    this.#room.toHosts((c) => c.identityVerified(guestId, method, this.peerId));
    // The citizen is told too (issue 16), and no other guest is.
    guest.channel.identityVerified(guestId, method, this.peerId);
  }

  lobbyPreview(image: string): void {
    this.#inRoom();
    if (this.state !== 'lobby') throw new ForbiddenError('previews are for the lobby');
    this.limits.preview.take('previews');
    this.#room.previews.take(this.#room.id, 'previews');
    this.#room.toHosts((c) => c.lobbyPreview(this.peerId, image));
  }

  chat(text: string): string {
    this.#admitted();
    this.limits.chat.take('messages');
    const at = new Date().toISOString();
    const message = { peerId: this.peerId, displayName: this.displayName, text, at };
    this.#room.broadcast((c) => c.chatMessage(message), this.peerId);
    return at;
  }

  /** Hosts only: a link for another guest, who will knock like anyone else. */
  invite(): Promise<{ link: string; needsPassword: boolean }> {
    this.#hostOnly();
    this.#room.audit('invited', 'host', { by: this.peerId });
    return this.#host.invite(this.#room);
  }

  /** Idempotent: frees the place, the media, and (last one out) the room. */
  leave(): Promise<void> {
    return this.#host.leave(this);
  }

  // Guards

  /** Still in an open room: a removed member's handle can do nothing. */
  #inRoom(): void {
    if (this.#room.closed) throw new AppError('ROOM_CLOSED', 'this room has closed; join again');
    if (this.#room.member(this.peerId) !== this) throw new AppError('NOT_JOINED', 'join the room first');
  }

  #admitted(): void {
    this.#inRoom();
    if (this.state !== 'admitted') throw new ForbiddenError('waiting in the lobby');
  }

  #hostOnly(): void {
    this.#admitted();
    if (!this.isHost) throw new ForbiddenError('only the host can do this');
  }

  /** A guest of this room (hosts can't act on hosts). */
  #guest(peerId: PeerId): Member {
    const target = this.#room.member(peerId);
    if (!target) throw new NotFoundError('NOT_FOUND', 'no such participant');
    if (target.role === 'host') throw new ForbiddenError('hosts cannot act on another host');
    return target;
  }

  #ownProducer(producerId: string): ProducerInfo {
    this.#admitted();
    const producer = this.producers.get(producerId);
    if (!producer) throw new NotFoundError('NOT_FOUND', 'no such producer of yours');
    return producer;
  }
}
