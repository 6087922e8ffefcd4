import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../errors.js';
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

/**
 * A live room on this node: who is in it, and its media. It relays the
 * facts each peer must learn (arrivals, new producers, departures). Joining
 * and leaving are serialised by RoomService; media requests come from one
 * peer at a time through its own socket.
 */
export class Room {
  readonly id: RoomId;
  readonly #media: MediaRoom;
  readonly #log: Logger;
  readonly #participants = new Map<PeerId, Participant>();
  #closed = false;

  constructor(id: RoomId, media: MediaRoom, log: Logger) {
    this.id = id;
    this.#media = media;
    this.#log = log;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get size(): number {
    return this.#participants.size;
  }

  get rtpCapabilities(): MediaRoom['rtpCapabilities'] {
    return this.#media.rtpCapabilities;
  }

  /** Adds the peer and tells the others. Returns who was already there. */
  add(participant: Participant): PeerInfo[] {
    this.#assertOpen();
    const others = [...this.#participants.values()].map((p) => p.info());
    this.#participants.set(participant.peerId, participant);
    this.broadcast('peerJoined', { peer: participant.info() }, participant.peerId);
    this.#log.info({ peerId: participant.peerId, role: participant.role, size: this.size }, 'peer joined');
    return others;
  }

  /** Idempotent: removing a peer twice is harmless (leave, then disconnect). */
  remove(peerId: PeerId): boolean {
    const participant = this.#participants.get(peerId);
    if (!participant) return false;
    this.#participants.delete(peerId);
    this.#media.closePeer(peerId);
    this.broadcast('peerLeft', { peerId });
    this.#log.info({ peerId, size: this.size }, 'peer left');
    return true;
  }

  has(peerId: PeerId): boolean {
    return this.#participants.has(peerId);
  }

  async createTransport(peerId: PeerId, direction: 'send' | 'recv'): Promise<TransportOptions> {
    this.#member(peerId);
    return this.#media.createTransport(peerId, direction);
  }

  async connectTransport(peerId: PeerId, transportId: string, dtls: DtlsParameters): Promise<void> {
    this.#member(peerId);
    return this.#media.connectTransport(peerId, transportId, dtls);
  }

  async restartIce(peerId: PeerId, transportId: string): Promise<TransportOptions['iceParameters']> {
    this.#member(peerId);
    return this.#media.restartIce(peerId, transportId);
  }

  async produce(peerId: PeerId, params: ProduceParams): Promise<string> {
    const participant = this.#member(peerId);
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
    this.#member(peerId).producers.delete(producerId);
    this.#media.closeProducer(peerId, producerId);
    this.broadcast('producerClosed', { peerId, producerId }, peerId);
  }

  async consume(peerId: PeerId, params: ConsumeParams): Promise<ConsumerOptions> {
    this.#member(peerId);
    return this.#media.consume(peerId, params);
  }

  async resumeConsumer(peerId: PeerId, consumerId: string): Promise<void> {
    this.#member(peerId);
    return this.#media.resumeConsumer(peerId, consumerId);
  }

  async setPreferredLayers(
    peerId: PeerId,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<void> {
    this.#member(peerId);
    return this.#media.setPreferredLayers(peerId, consumerId, spatialLayer, temporalLayer);
  }

  notify<E extends ServerEventName>(peerId: PeerId, event: E, payload: ServerEvents[E]): void {
    this.#participants.get(peerId)?.channel.notify(event, payload);
  }

  broadcast<E extends ServerEventName>(event: E, payload: ServerEvents[E], except?: PeerId): void {
    for (const participant of this.#participants.values()) {
      if (participant.peerId !== except) participant.channel.notify(event, payload);
    }
  }

  /** Ends the room for everyone in it. Idempotent. */
  close(reason: RoomClosedReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.broadcast('roomClosed', { reason });
    this.#participants.clear();
    this.#media.close();
    this.#log.info({ reason }, 'room closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('ROOM_CLOSED', 'this room has just closed; join again', 409);
  }

  #member(peerId: PeerId): Participant {
    this.#assertOpen();
    const participant = this.#participants.get(peerId);
    if (!participant) throw new AppError('NOT_JOINED', 'join the room first', 409);
    return participant;
  }

  #ownProducer(peerId: PeerId, producerId: string): { paused: boolean } {
    const producer = this.#member(peerId).producers.get(producerId);
    if (!producer) throw new NotFoundError('NOT_FOUND', 'no such producer of yours');
    return producer;
  }
}
