import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../../signaling/errors.js';
import type {
  ConsumeParams,
  MediaRoom,
  MediaRoomListener,
  PlainTransportInfo,
  PlainTransportTarget,
  ProduceParams,
} from '../../signaling/rooms/media-port.js';
import {
  MediaSourceSchema,
  PeerIdSchema,
  RtpCapabilitiesSchema,
  type ConsumerOptions,
  type DtlsParameters,
  type PeerId,
  type RtpCapabilities,
  type TransportOptions,
} from '../../signaling/protocol/index.js';
import { PeerMedia } from './peer-media.js';
import type { WorkerSlot } from './worker-pool.js';

/** Starting send estimate: high enough that video doesn't start at thumbnail size. */
const INITIAL_OUTGOING_BITRATE = 1_000_000;

export interface MediaCounts {
  transports: number;
  producers: number;
  consumers: number;
}

/**
 * One room's router on one worker. Every object is tagged with its owner's
 * peerId so a peer can only touch what it created, and closing a peer closes
 * exactly its transports (and with them its producers and consumers).
 */
export class MediasoupRoom implements MediaRoom {
  readonly rtpCapabilities: RtpCapabilities;
  readonly #router: types.Router;
  readonly #slot: WorkerSlot;
  readonly #speaker: types.ActiveSpeakerObserver;
  readonly #listener: MediaRoomListener;
  readonly #log: Logger;
  readonly #peers = new Map<PeerId, PeerMedia>();
  readonly #onClosed: (room: MediasoupRoom) => void;
  #closed = false;
  #workerDied = false;

  private constructor(
    slot: WorkerSlot,
    rtpCapabilities: RtpCapabilities,
    router: types.Router,
    speaker: types.ActiveSpeakerObserver,
    listener: MediaRoomListener,
    log: Logger,
    onClosed: (room: MediasoupRoom) => void,
  ) {
    this.#onClosed = onClosed;
    this.#slot = slot;
    this.#router = router;
    this.#speaker = speaker;
    this.#listener = listener;
    this.#log = log;
    this.rtpCapabilities = rtpCapabilities;
  }

  static async create(
    slot: WorkerSlot,
    codecs: types.RouterRtpCodecCapability[],
    listener: MediaRoomListener,
    log: Logger,
    onClosed: (room: MediasoupRoom) => void,
  ): Promise<MediasoupRoom> {
    const router = await slot.worker.createRouter({ mediaCodecs: codecs });
    const speaker = await router.createActiveSpeakerObserver({ interval: 300 });
    const capabilities = wireCapabilities(router, codecs);
    const room = new MediasoupRoom(slot, capabilities, router, speaker, listener, log, onClosed);
    slot.routers += 1;
    speaker.on('dominantspeaker', ({ producer }) => {
      const owner = PeerIdSchema.safeParse(producer.appData['peerId']);
      listener.activeSpeaker(owner.success ? owner.data : null);
    });
    return room;
  }

  runsOn(slot: WorkerSlot): boolean {
    return this.#slot === slot;
  }

  /** Live media objects in this room, for metrics. Read-only. */
  counts(): MediaCounts {
    const counts: MediaCounts = { transports: 0, producers: 0, consumers: 0 };
    for (const peer of this.#peers.values()) {
      counts.transports += peer.transportCount;
      counts.producers += peer.producers.size;
      counts.consumers += peer.consumers.size;
    }
    return counts;
  }

  async createTransport(peerId: PeerId, direction: 'send' | 'recv'): Promise<TransportOptions> {
    const peer = this.#peer(peerId);
    const transport = await this.#router
      .createWebRtcTransport({
        webRtcServer: this.#slot.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
        appData: { peerId, direction },
      })
      .catch(mediaStateError('createTransport'));
    if (this.#closed || !this.#peers.has(peerId)) {
      // The peer left (or the room closed) while the worker was answering.
      transport.close();
      throw new AppError('NOT_JOINED', 'left the room');
    }
    peer.transports.set(transport.id, transport);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed')
        this.#log.warn({ peerId, transportId: transport.id, state }, 'dtls');
    });
    transport.observer.on('close', () => peer.transports.delete(transport.id));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async createPlainTransport(peerId: PeerId, target: PlainTransportTarget): Promise<PlainTransportInfo> {
    const peer = this.#peer(peerId);
    const { ip, announcedAddress } = this.#slot.listen;
    const transport = await this.#router
      .createPlainTransport({
        listenInfo: { protocol: 'udp', ip, ...(announcedAddress ? { announcedAddress } : {}) },
        rtcpMux: true,
        comedia: 'comedia' in target,
        appData: { peerId, plain: true },
      })
      .catch(mediaStateError('createPlainTransport'));
    if (this.#closed || !this.#peers.has(peerId)) {
      transport.close();
      throw new AppError('NOT_JOINED', 'left the room');
    }
    if ('remote' in target) {
      await transport
        .connect({ ip: target.remote.ip, port: target.remote.port })
        .catch(mediaStateError('createPlainTransport'));
    }
    peer.plainTransports.set(transport.id, transport);
    transport.observer.on('close', () => peer.plainTransports.delete(transport.id));
    return { id: transport.id, ip: transport.tuple.localAddress, port: transport.tuple.localPort };
  }

  async connectTransport(peerId: PeerId, transportId: string, dtls: DtlsParameters): Promise<void> {
    const transport = this.#peer(peerId).transport(transportId);
    await transport.connect({ dtlsParameters: dtls }).catch(mediaStateError('connectTransport'));
  }

  async restartIce(peerId: PeerId, transportId: string): Promise<TransportOptions['iceParameters']> {
    const transport = this.#peer(peerId).transport(transportId);
    return transport.restartIce().catch(mediaStateError('restartIce'));
  }

  async produce(peerId: PeerId, params: ProduceParams): Promise<string> {
    const peer = this.#peer(peerId);
    const { transport, plain } = peer.anyTransport(params.transportId);
    if (plain && !params.rtpParameters.codecs.every((c) => c.mimeType.toLowerCase() === 'audio/opus')) {
      throw new AppError('INVALID_PAYLOAD', 'a plain transport carries Opus audio only');
    }
    let producer: types.Producer;
    try {
      producer = await transport.produce({
        kind: params.kind,
        rtpParameters: params.rtpParameters,
        paused: params.paused,
        appData: { peerId, source: params.source },
      });
    } catch (error) {
      throw mediaError('produce', error);
    }
    peer.producers.set(producer.id, producer);
    producer.observer.on('close', () => peer.producers.delete(producer.id));
    if (producer.kind === 'audio') {
      await this.#speaker.addProducer({ producerId: producer.id }).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'active speaker observer refused a producer');
      });
    }
    return producer.id;
  }

  async setProducerPaused(peerId: PeerId, producerId: string, paused: boolean): Promise<void> {
    const producer = this.#peer(peerId).producer(producerId);
    await (paused ? producer.pause() : producer.resume()).catch(
      mediaStateError(paused ? 'pauseProducer' : 'resumeProducer'),
    );
  }

  closeProducer(peerId: PeerId, producerId: string): void {
    this.#peer(peerId).producer(producerId).close();
  }

  async consume(peerId: PeerId, params: ConsumeParams): Promise<ConsumerOptions> {
    const peer = this.#peer(peerId);
    const { transport, plain } = peer.anyTransport(params.transportId);
    const producer = this.#findProducer(params.producerId);
    if (plain && producer.kind !== 'audio')
      throw new AppError('INVALID_PAYLOAD', 'a plain transport carries audio only');
    const owner = PeerIdSchema.parse(producer.appData['peerId']);
    if (owner === peerId) throw new AppError('INVALID_PAYLOAD', 'cannot consume your own producer');
    if (!this.#router.canConsume({ producerId: producer.id, rtpCapabilities: params.rtpCapabilities })) {
      throw new AppError('MEDIA_ERROR', 'your browser cannot decode this stream');
    }
    let consumer: types.Consumer;
    try {
      // Paused until the client has set up its side and asks to resume, so the
      // first packets (and the keyframe request) aren't lost.
      consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: params.rtpCapabilities,
        paused: true,
        appData: { peerId },
      });
    } catch (error) {
      throw mediaError('consume', error);
    }
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.on('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      consumer.close();
      this.#listener.consumerClosed(peerId, consumer.id);
    });
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      peerId: owner,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      source: MediaSourceSchema.parse(producer.appData['source']),
    };
  }

  async resumeConsumer(peerId: PeerId, consumerId: string): Promise<void> {
    await this.#peer(peerId).consumer(consumerId).resume().catch(mediaStateError('resumeConsumer'));
  }

  async pauseConsumer(peerId: PeerId, consumerId: string): Promise<void> {
    await this.#peer(peerId).consumer(consumerId).pause().catch(mediaStateError('pauseConsumer'));
  }

  async setPreferredLayers(
    peerId: PeerId,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<void> {
    const consumer = this.#peer(peerId).consumer(consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') return;
    await consumer
      .setPreferredLayers({ spatialLayer, ...(temporalLayer === undefined ? {} : { temporalLayer }) })
      .catch(mediaStateError('setPreferredLayers'));
  }

  closePeer(peerId: PeerId): void {
    this.#peers.get(peerId)?.close();
    this.#peers.delete(peerId);
  }

  /** Called by the backend when the worker died: the router is already gone. */
  workerDied(): void {
    if (this.#closed) return;
    this.#workerDied = true;
    this.#markClosed();
    this.#listener.failed();
  }

  close(): void {
    if (this.#closed) return;
    this.#markClosed();
    this.#router.close();
  }

  #markClosed(): void {
    this.#closed = true;
    this.#slot.routers -= 1;
    this.#peers.clear();
    this.#onClosed(this);
  }

  #peer(peerId: PeerId): PeerMedia {
    // A dead worker's room is being reopened elsewhere: a passing state, not the end of the room.
    if (this.#workerDied) throw new AppError('MEDIA_ERROR', 'media restarting; try again in a moment');
    if (this.#closed) throw new AppError('ROOM_CLOSED', 'this room has closed; join again');
    let peer = this.#peers.get(peerId);
    if (!peer) {
      peer = new PeerMedia();
      this.#peers.set(peerId, peer);
    }
    return peer;
  }

  #findProducer(producerId: string): types.Producer {
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return producer;
    }
    throw new NotFoundError('NOT_FOUND', 'no such producer in this room');
  }
}

/*
 * A router's capabilities are a pure function of the codecs it was created
 * with (mediasoup assigns payload types in order), and every router here gets
 * the same list. So they are parsed once per list, not once per room: the
 * parse was a visible share of a join in the join benchmark.
 */
const capabilitiesByCodecs = new WeakMap<types.RouterRtpCodecCapability[], RtpCapabilities>();

/** Parsed, not cast: proves the router's capabilities fit the wire schema. */
function wireCapabilities(router: types.Router, codecs: types.RouterRtpCodecCapability[]): RtpCapabilities {
  let parsed = capabilitiesByCodecs.get(codecs);
  if (!parsed) {
    parsed = RtpCapabilitiesSchema.parse(router.rtpCapabilities);
    capabilitiesByCodecs.set(codecs, parsed);
  }
  return parsed;
}

/** mediasoup's own messages describe the client's bad parameters; keep them, but as a client error. */
function mediaError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AppError('MEDIA_ERROR', `${operation} refused: ${detail.slice(0, 200)}`);
}

/**
 * What mediasoup throws on an object's own operation is about its state (a
 * transport connected twice, a consumer or transport closed meanwhile, a
 * worker gone): a client error, INVALID_STATE, never INTERNAL. The message
 * is mediasoup's first line, without the request id it appends.
 */
export function mediaStateError(operation: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof AppError) throw error;
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw new AppError(
      'INVALID_STATE',
      `${operation}: ${detail.replace(/\s*\[method:.*$/, '').slice(0, 200)}`,
    );
  };
}
