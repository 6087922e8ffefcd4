import type { Logger } from 'pino';
import type {
  ConsumerOptions,
  DtlsParameters,
  MediaKind,
  MediaSource,
  PeerId,
  RoomId,
  RtpCapabilities,
  RtpParameters,
  TransportOptions,
} from '../protocol/index.js';

/*
 * The media plane as the domain sees it. server/media implements it with
 * mediasoup; unit tests use a fake. Only ids and plain data cross this line,
 * so the domain never learns what a Router or a Worker is.
 */

/** What a media room tells the domain. Callbacks, not an emitter: exactly one listener. */
export interface MediaRoomListener {
  /** A consumer was closed by the media plane (its producer or transport went away). */
  consumerClosed(peerId: PeerId, consumerId: string): void;
  /** The loudest peer changed (null: silence). */
  activeSpeaker(peerId: PeerId | null): void;
  /** The room's media died (its worker crashed). The room must be closed and its peers told. */
  failed(): void;
}

export interface ProduceParams {
  transportId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  source: MediaSource;
  paused: boolean;
}

export interface ConsumeParams {
  transportId: string;
  producerId: string;
  rtpCapabilities: RtpCapabilities;
}

/**
 * A plain RTP transport, for the phone gateway: Opus over UDP, no ICE, no
 * DTLS. `comedia`: the media plane answers wherever the first packet came
 * from; `remote`: it sends to this address from the start.
 */
export type PlainTransportTarget = { comedia: true } | { remote: { ip: string; port: number } };

export interface PlainTransportInfo {
  id: string;
  /** Where the gateway sends its RTP (and RTCP: muxed on the same port). */
  ip: string;
  port: number;
}

export interface MediaRoom {
  readonly rtpCapabilities: RtpCapabilities;
  createTransport(peerId: PeerId, direction: 'send' | 'recv'): Promise<TransportOptions>;
  /** Opus only: a plain transport's producers and consumers are audio/opus or refused. */
  createPlainTransport(peerId: PeerId, target: PlainTransportTarget): Promise<PlainTransportInfo>;
  connectTransport(peerId: PeerId, transportId: string, dtls: DtlsParameters): Promise<void>;
  restartIce(peerId: PeerId, transportId: string): Promise<TransportOptions['iceParameters']>;
  produce(peerId: PeerId, params: ProduceParams): Promise<string>;
  setProducerPaused(peerId: PeerId, producerId: string, paused: boolean): Promise<void>;
  closeProducer(peerId: PeerId, producerId: string): void;
  consume(peerId: PeerId, params: ConsumeParams): Promise<ConsumerOptions>;
  resumeConsumer(peerId: PeerId, consumerId: string): Promise<void>;
  pauseConsumer(peerId: PeerId, consumerId: string): Promise<void>;
  setPreferredLayers(
    peerId: PeerId,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<void>;
  /** Close everything a peer owns. Idempotent. */
  closePeer(peerId: PeerId): void;
  /** Close the room's router and all it holds. Idempotent. */
  close(): void;
}

export interface MediaHealth {
  workersAlive: number;
  workersTotal: number;
  workerBin: string | null;
}

export interface MediaBackend {
  openRoom(roomId: RoomId, listener: MediaRoomListener, log: Logger): Promise<MediaRoom>;
  health(): MediaHealth;
  close(): Promise<void>;
}
