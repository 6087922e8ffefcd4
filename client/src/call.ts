import type { Device, types } from 'mediasoup-client';
import {
  RtpCapabilitiesSchema,
  type JoinResult,
  type PeerInfo,
  type ProducerInfo,
  type RtpCapabilities,
} from '../../signaling/protocol/index.js';
import { errorForEarlyEnd, type CallEnd, type CallListener, type JoinParams } from './call-types.js';
import { GuichetError } from './errors.js';
import type { ProtocolClient } from './protocol-client.js';
import { NO_RECV_STATS, summarizeRecvStats, type RecvStats } from './recv-stats.js';
import { toError, toTransportOptions } from './send-media.js';
import { Sender, type LocalSource, type LocalTracks } from './sender.js';

export interface CallDeps {
  /** The call owns the client it gets and closes it. */
  connect: () => Promise<ProtocolClient>;
  createDevice: () => Device;
  listener: CallListener;
  tracks: LocalTracks;
  /** Whether each source starts live; a rejoin keeps what the user had chosen. */
  micOn: boolean;
  cameraOn: boolean;
}

interface ConsumerEntry {
  consumer: types.Consumer;
  peerId: string;
  producerId: string;
}

/**
 * One membership in one room: the socket, the mediasoup Device, a send and a
 * receive transport, and their producers and consumers. No DOM: tracks go to
 * the UI through CallListener. close() is idempotent and cascades.
 */
export class Call {
  private closed = false;
  private started = false;
  private earlyEnd: CallEnd | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly device: Device;
  private sendTransport: types.Transport | undefined;
  private sender: Sender | undefined;
  private recvTransport: types.Transport | undefined;
  private recvCapabilities: RtpCapabilities | undefined;
  private readonly consumers = new Map<string, ConsumerEntry>();
  // Server events are handled one at a time, in order, and only once the
  // peers listed in the join answer are set up: a `newProducer` can never
  // overtake the consumer set-up of the peer that owns it.
  private queue: Promise<void>;
  private openQueue: () => void = () => undefined;

  private constructor(
    private readonly client: ProtocolClient,
    private readonly deps: CallDeps,
  ) {
    this.device = deps.createDevice();
    this.queue = new Promise((resolve) => {
      this.openQueue = resolve;
    });
  }

  /** Connects, joins and starts media. Rejects with a GuichetError carrying the server's code. */
  static async join(params: JoinParams, deps: CallDeps): Promise<Call> {
    const call = new Call(await deps.connect(), deps);
    try {
      await call.start(params);
      return call;
    } catch (error) {
      const early = call.earlyEnd;
      call.close();
      throw early ? errorForEarlyEnd(early) : error;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async start(params: JoinParams): Promise<void> {
    this.subscribe();
    const joined = await this.client.request('join', {
      roomId: params.roomId,
      displayName: params.displayName,
      password: params.password,
    });
    await this.device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
    // Parsed rather than passed through: it narrows mediasoup-client's type to
    // the protocol's, and fails here, clearly, if the two ever disagree.
    this.recvCapabilities = RtpCapabilitiesSchema.parse(this.device.recvRtpCapabilities);
    await this.createTransports(joined);
    if (this.closed) throw new GuichetError('NETWORK', 'call closed while joining');
    const receiving = this.addInitialPeers(joined.peers).finally(() => this.openQueue());
    const sending = this.sender?.start(this.deps, (e) => this.deps.listener.onWarning(e));
    await Promise.all([receiving, sending]);
    this.started = true;
    if (this.earlyEnd) throw errorForEarlyEnd(this.earlyEnd);
  }

  private async createTransports(joined: JoinResult): Promise<void> {
    const { audio, video } = this.deps.tracks;
    const wantsToSend =
      (audio !== undefined && this.device.canProduce('audio')) ||
      (video !== undefined && this.device.canProduce('video'));
    const [recvOptions, sendOptions] = await Promise.all([
      this.client.request('createTransport', { direction: 'recv' }),
      wantsToSend ? this.client.request('createTransport', { direction: 'send' }) : undefined,
    ]);
    this.recvTransport = this.device.createRecvTransport(toTransportOptions(recvOptions, joined.iceServers));
    this.watchTransport(this.recvTransport);
    if (sendOptions) {
      this.sendTransport = this.device.createSendTransport(
        toTransportOptions(sendOptions, joined.iceServers),
      );
      this.watchTransport(this.sendTransport);
      this.sender = new Sender(this.client, this.device, this.sendTransport);
    }
  }

  private watchTransport(transport: types.Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.client.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(
        () => callback(),
        (error: unknown) => errback(toError(error)),
      );
    });
    let restarting = false;
    transport.on('connectionstatechange', (state) => {
      // ICE can recover from a network change with fresh credentials; the
      // DTLS session and every producer and consumer survive the restart.
      if (state !== 'failed' || restarting || this.closed) return;
      restarting = true;
      this.client
        .request('restartIce', { transportId: transport.id })
        .then(({ iceParameters }) => transport.restartIce({ iceParameters }))
        .catch((error: unknown) => this.deps.listener.onWarning(error))
        .finally(() => {
          restarting = false;
        });
    });
  }

  /** Mutes or unmutes a local source for everyone in the room. */
  async setSourceEnabled(source: LocalSource, on: boolean): Promise<void> {
    if (!this.closed) await this.sender?.setSourceEnabled(source, on);
  }

  canSend(source: LocalSource): boolean {
    return this.sender?.canSend(source) ?? false;
  }

  private async addInitialPeers(peers: PeerInfo[]): Promise<void> {
    for (const peer of peers) await this.addPeer(peer);
  }

  private async addPeer(peer: PeerInfo): Promise<void> {
    const { peerId, displayName, role } = peer;
    this.deps.listener.onPeerJoined({ peerId, displayName, role });
    for (const producer of peer.producers) await this.tryConsume(peerId, producer);
  }

  private async tryConsume(peerId: string, producer: ProducerInfo): Promise<void> {
    try {
      await this.consume(peerId, producer);
    } catch (error) {
      if (!this.closed) this.deps.listener.onWarning(error);
    }
  }

  private async consume(peerId: string, producer: ProducerInfo): Promise<void> {
    const transport = this.recvTransport;
    const rtpCapabilities = this.recvCapabilities;
    if (this.closed || !transport || !rtpCapabilities) return;
    const options = await this.client.request('consume', {
      transportId: transport.id,
      producerId: producer.producerId,
      rtpCapabilities,
    });
    if (this.closed) return;
    const consumer = await transport.consume({
      id: options.consumerId,
      producerId: options.producerId,
      kind: options.kind,
      rtpParameters: options.rtpParameters,
    });
    this.consumers.set(consumer.id, { consumer, peerId, producerId: producer.producerId });
    this.deps.listener.onMediaAdded({
      peerId,
      consumerId: consumer.id,
      kind: options.kind,
      source: options.source,
      track: consumer.track,
      paused: producer.paused,
    });
    // Consumers start paused server-side so no packet is lost before this point.
    await this.client.request('resumeConsumer', { consumerId: consumer.id });
  }

  private removeConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    entry.consumer.close();
    this.deps.listener.onMediaRemoved(entry.peerId, consumerId);
  }

  private consumerOfProducer(producerId: string): ConsumerEntry | undefined {
    for (const entry of this.consumers.values()) if (entry.producerId === producerId) return entry;
    return undefined;
  }

  private subscribe(): void {
    const { client } = this;
    const listener = this.deps.listener;
    const later = (task: () => void | Promise<void>): void => {
      this.queue = this.queue
        .then(() => (this.closed ? undefined : task()))
        .catch((error: unknown) => listener.onWarning(error));
    };
    const onPaused = (producerId: string, paused: boolean): void => {
      const entry = this.consumerOfProducer(producerId);
      if (entry) listener.onMediaPaused(entry.peerId, entry.consumer.id, paused);
    };
    this.unsubscribe.push(
      client.on('peerJoined', ({ peer }) => later(() => this.addPeer(peer))),
      client.on('peerLeft', ({ peerId }) =>
        later(() => {
          for (const [id, entry] of this.consumers) if (entry.peerId === peerId) this.removeConsumer(id);
          listener.onPeerLeft(peerId);
        }),
      ),
      client.on('newProducer', ({ peerId, producer }) => later(() => this.tryConsume(peerId, producer))),
      client.on('producerPaused', ({ producerId }) => later(() => onPaused(producerId, true))),
      client.on('producerResumed', ({ producerId }) => later(() => onPaused(producerId, false))),
      client.on('producerClosed', ({ producerId }) =>
        later(() => {
          const entry = this.consumerOfProducer(producerId);
          if (entry) this.removeConsumer(entry.consumer.id);
        }),
      ),
      client.on('consumerClosed', ({ consumerId }) => later(() => this.removeConsumer(consumerId))),
      client.on('activeSpeaker', ({ peerId }) => later(() => listener.onActiveSpeaker(peerId))),
      // Endings skip the queue: nothing behind them matters any more.
      client.on('roomClosed', ({ reason }) => this.end({ kind: 'roomClosed', reason })),
      client.on('reconnect', ({ afterMs }) => this.end({ kind: 'reconnect', afterMs })),
      client.on('kicked', ({ code }) => this.end({ kind: 'kicked', code })),
      client.onDisconnect(() => this.end({ kind: 'disconnected' })),
    );
  }

  /** Tells the server (best effort, briefly) and ends the call. */
  async leave(): Promise<void> {
    if (this.closed) return;
    await this.client.request('leave', {}, 2_000).catch(() => undefined);
    this.end({ kind: 'left' });
  }

  private end(end: CallEnd): void {
    if (this.closed) return;
    if (!this.started) {
      // join() turns this into its rejection; the listener never hears of it.
      this.earlyEnd = end;
      this.close();
      return;
    }
    this.close();
    this.deps.listener.onEnded(end);
  }

  /** Receive-side counters, for the e2e tests (see main.ts) and diagnostics. */
  async getRecvStats(): Promise<RecvStats> {
    const transport = this.recvTransport;
    if (!transport || transport.closed) return { ...NO_RECV_STATS };
    return summarizeRecvStats(await transport.getStats());
  }

  /** Idempotent. Silent: does not call onEnded. Closing transports closes their producers and consumers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.openQueue();
    for (const off of this.unsubscribe.splice(0)) off();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.consumers.clear();
    this.client.close();
  }
}
