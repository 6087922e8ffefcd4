import type { Logger } from 'pino';
import { AppError, ForbiddenError, NotFoundError } from '../errors.js';
import type {
  ConsumerOptions,
  DtlsParameters,
  PeerId,
  PeerInfo,
  RoomClosedReason,
  RoomId,
  ServerEventName,
  ServerEvents,
  TransportOptions,
} from '../protocol/index.js';
import type { ConsumeParams, MediaRoom, ProduceParams } from './media-port.js';
import type { Participant } from './participant.js';

/** Where room events go for the appointment's audit trail (a no-op for ad-hoc rooms). */
export type RoomAudit = (
  type: string,
  actor: 'host' | 'guest' | 'system',
  detail: Record<string, string>,
) => void;

/**
 * A live room on this node: who is in it (admitted, or knocking in the
 * lobby), and its media. Admitted peers see each other; hosts also see the
 * lobby. Nothing of the room reaches a peer in the lobby, and a peer in the
 * lobby can't touch media. Joins and leaves are serialised by RoomService.
 */
export class Room {
  readonly id: RoomId;
  readonly audit: RoomAudit;
  readonly #media: MediaRoom;
  readonly #log: Logger;
  readonly #participants = new Map<PeerId, Participant>();
  #closed = false;
  locked = false;

  constructor(id: RoomId, media: MediaRoom, log: Logger, audit: RoomAudit) {
    this.id = id;
    this.#media = media;
    this.#log = log;
    this.audit = audit;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get size(): number {
    return this.#participants.size;
  }

  get connectedCount(): number {
    let count = 0;
    for (const p of this.#participants.values()) if (p.connected) count += 1;
    return count;
  }

  get rtpCapabilities(): MediaRoom['rtpCapabilities'] {
    return this.#media.rtpCapabilities;
  }

  get media(): MediaRoom {
    return this.#media;
  }

  participant(peerId: PeerId): Participant | undefined {
    return this.#participants.get(peerId);
  }

  /** What this peer may see of the room: admitted peers, plus the lobby for hosts. */
  visibleTo(viewer: Participant): PeerInfo[] {
    const seen: PeerInfo[] = [];
    if (viewer.state !== 'admitted') return seen;
    for (const p of this.#participants.values()) {
      if (p.peerId === viewer.peerId) continue;
      if (p.state === 'admitted' || viewer.isHost) seen.push(p.info());
    }
    return seen;
  }

  add(participant: Participant): void {
    this.#assertOpen();
    this.#participants.set(participant.peerId, participant);
    if (participant.state === 'lobby') {
      this.toHosts('knock', { peer: participant.info() });
    } else {
      this.broadcast('peerJoined', { peer: participant.info() }, participant.peerId);
    }
    this.audit('joined', participant.role, { peerId: participant.peerId, state: participant.state });
    this.#log.info(
      { peerId: participant.peerId, role: participant.role, state: participant.state },
      'peer joined',
    );
  }

  /** Idempotent: removing a peer twice is harmless (leave, then disconnect). */
  remove(peerId: PeerId): boolean {
    const participant = this.#participants.get(peerId);
    if (!participant) return false;
    this.#participants.delete(peerId);
    this.#media.closePeer(peerId);
    if (participant.state === 'lobby') this.toHosts('knockWithdrawn', { peerId });
    else this.broadcast('peerLeft', { peerId });
    this.audit('left', participant.role, { peerId });
    this.#log.info({ peerId, size: this.size }, 'peer left');
    return true;
  }

  /** The connection dropped: its media is gone, its place is kept until it resumes or the grace ends. */
  disconnected(peerId: PeerId): void {
    const participant = this.#participants.get(peerId);
    if (!participant) return;
    participant.connected = false;
    this.#media.closePeer(peerId);
    for (const producerId of participant.producers.keys()) {
      this.broadcast('producerClosed', { peerId, producerId }, peerId);
    }
    participant.producers.clear();
  }

  /** Admit a knocking guest: they get the room, the room gets them. */
  admit(guest: Participant): void {
    guest.state = 'admitted';
    this.toHosts('knockWithdrawn', { peerId: guest.peerId });
    guest.channel.notify('admitted', { peers: this.visibleTo(guest) });
    this.broadcast('peerJoined', { peer: guest.info() }, guest.peerId);
  }

  async createTransport(peerId: PeerId, direction: 'send' | 'recv'): Promise<TransportOptions> {
    this.admitted(peerId);
    return this.#media.createTransport(peerId, direction);
  }

  async connectTransport(peerId: PeerId, transportId: string, dtls: DtlsParameters): Promise<void> {
    this.admitted(peerId);
    return this.#media.connectTransport(peerId, transportId, dtls);
  }

  async restartIce(peerId: PeerId, transportId: string): Promise<TransportOptions['iceParameters']> {
    this.admitted(peerId);
    return this.#media.restartIce(peerId, transportId);
  }

  async produce(peerId: PeerId, params: ProduceParams): Promise<string> {
    const participant = this.admitted(peerId);
    const producerId = await this.#media.produce(peerId, params);
    const producer = { producerId, kind: params.kind, source: params.source, paused: params.paused };
    participant.producers.set(producerId, producer);
    this.broadcast('newProducer', { peerId, producer: { ...producer } }, peerId);
    return producerId;
  }

  async setProducerPaused(peerId: PeerId, producerId: string, paused: boolean): Promise<void> {
    const producer = this.#ownProducer(peerId, producerId);
    await this.#media.setProducerPaused(peerId, producerId, paused);
    producer.paused = paused;
    this.broadcast(paused ? 'producerPaused' : 'producerResumed', { peerId, producerId }, peerId);
  }

  closeProducer(peerId: PeerId, producerId: string): void {
    this.#ownProducer(peerId, producerId);
    this.admitted(peerId).producers.delete(producerId);
    this.#media.closeProducer(peerId, producerId);
    this.broadcast('producerClosed', { peerId, producerId }, peerId);
  }

  async consume(peerId: PeerId, params: ConsumeParams): Promise<ConsumerOptions> {
    this.admitted(peerId);
    return this.#media.consume(peerId, params);
  }

  async resumeConsumer(peerId: PeerId, consumerId: string): Promise<void> {
    this.admitted(peerId);
    return this.#media.resumeConsumer(peerId, consumerId);
  }

  async pauseConsumer(peerId: PeerId, consumerId: string): Promise<void> {
    this.admitted(peerId);
    return this.#media.pauseConsumer(peerId, consumerId);
  }

  async setPreferredLayers(
    peerId: PeerId,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<void> {
    this.admitted(peerId);
    return this.#media.setPreferredLayers(peerId, consumerId, spatialLayer, temporalLayer);
  }

  notify<E extends ServerEventName>(peerId: PeerId, event: E, payload: ServerEvents[E]): void {
    this.#participants.get(peerId)?.channel.notify(event, payload);
  }

  /** To every admitted, connected peer. */
  broadcast<E extends ServerEventName>(event: E, payload: ServerEvents[E], except?: PeerId): void {
    for (const p of this.#participants.values()) {
      if (p.peerId !== except && p.state === 'admitted' && p.connected) p.channel.notify(event, payload);
    }
  }

  toHosts<E extends ServerEventName>(event: E, payload: ServerEvents[E]): void {
    for (const p of this.#participants.values()) {
      if (p.isHost && p.connected) p.channel.notify(event, payload);
    }
  }

  /** Ends the room for everyone in it, the lobby included. Idempotent. */
  close(reason: RoomClosedReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#participants.values()) if (p.connected) p.channel.notify('roomClosed', { reason });
    this.#participants.clear();
    this.#media.close();
    this.#log.info({ reason }, 'room closed');
  }

  /** The participant, who must be in the room (lobby or not). */
  member(peerId: PeerId): Participant {
    this.#assertOpen();
    const participant = this.#participants.get(peerId);
    if (!participant) throw new AppError('NOT_JOINED', 'join the room first', 409);
    return participant;
  }

  /** The participant, who must have been admitted: the lobby has no media and no say. */
  admitted(peerId: PeerId): Participant {
    const participant = this.member(peerId);
    if (participant.state !== 'admitted') throw new ForbiddenError('waiting in the lobby');
    return participant;
  }

  /** The participant, who must be an admitted host. */
  host(peerId: PeerId): Participant {
    const participant = this.admitted(peerId);
    if (!participant.isHost) throw new ForbiddenError('only the host can do this');
    return participant;
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('ROOM_CLOSED', 'this room has closed; join again', 409);
  }

  #ownProducer(peerId: PeerId, producerId: string): { paused: boolean } {
    const producer = this.admitted(peerId).producers.get(producerId);
    if (!producer) throw new NotFoundError('NOT_FOUND', 'no such producer of yours');
    return producer;
  }
}
