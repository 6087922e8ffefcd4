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
import { toTransportOptions, wireTransport } from './transport.js';
import { Sender, type LocalSource, type LocalTracks } from './sender.js';

export interface CallDeps {
  /** The call owns the client it gets and closes it. */
  connect: () => Promise<ProtocolClient>;
  createDevice: () => Device;
  listener: CallListener;
  /** Local capture, possibly still starting: receiving doesn't wait for it. */
  tracks: Promise<LocalTracks>;
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
  private sending: Promise<void> = Promise.resolve();
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
    // The server builds the transport while the browser inspects its codecs.
    const [recvOptions] = await Promise.all([
      this.client.request('createTransport', { direction: 'recv' }),
      this.device.load({ routerRtpCapabilities: joined.routerRtpCapabilities }),
    ]);
    // Parsed rather than passed through: it narrows mediasoup-client's type to
    // the protocol's, and fails here, clearly, if the two ever disagree.
    this.recvCapabilities = RtpCapabilitiesSchema.parse(this.device.recvRtpCapabilities);
    if (this.closed) throw new GuichetError('NETWORK', 'call closed while joining');
    this.recvTransport = this.device.createRecvTransport(toTransportOptions(recvOptions, joined.iceServers));
    this.wireTransport(this.recvTransport);
    // Sending waits for the camera (over a second in a fresh profile);
    // receiving must not: the citizen sees and hears the agent meanwhile.
    this.sending = this.startSending(joined).catch((error: unknown) => {
      if (!this.closed) this.deps.listener.onWarning(error);
    });
    await this.addInitialPeers(joined.peers).finally(() => this.openQueue());
    this.started = true;
    if (this.earlyEnd) throw errorForEarlyEnd(this.earlyEnd);
  }

  private async startSending(joined: JoinResult): Promise<void> {
    const tracks = await this.deps.tracks;
    const wantsToSend =
      (tracks.audio !== undefined && this.device.canProduce('audio')) ||
      (tracks.video !== undefined && this.device.canProduce('video'));
    if (!wantsToSend || this.closed) return;
    const sendOptions = await this.client.request('createTransport', { direction: 'send' });
    if (this.closed) return;
    this.sendTransport = this.device.createSendTransport(toTransportOptions(sendOptions, joined.iceServers));
    this.wireTransport(this.sendTransport);
    this.sender = new Sender(this.client, this.device, this.sendTransport);
    await this.sender.start({ tracks, micOn: this.deps.micOn, cameraOn: this.deps.cameraOn }, (error) => {
      if (!this.closed) this.deps.listener.onWarning(error);
    });
  }

  /** Settles once local tracks are produced (or found missing); never rejects. */
  get sendingReady(): Promise<void> {
    return this.sending;
  }

  private wireTransport(transport: types.Transport): void {
    wireTransport(transport, this.client, (error) => {
      if (!this.closed) this.deps.listener.onWarning(error);
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
    await Promise.all(peers.map((peer) => this.addPeer(peer)));
  }

  private async addPeer(peer: PeerInfo): Promise<void> {
    const { peerId, displayName, role } = peer;
    this.deps.listener.onPeerJoined({ peerId, displayName, role });
    // Concurrent on purpose: mediasoup-client folds consumers created together
    // into one SDP renegotiation, which is most of the time to first frame.
    await Promise.all(peer.producers.map((producer) => this.tryConsume(peerId, producer)));
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

  /** Caps what one consumer receives to what its tile can show. */
  async setPreferredLayers(consumerId: string, spatialLayer: number): Promise<void> {
    if (this.closed || !this.consumers.has(consumerId)) return;
    await this.client.request('setPreferredLayers', { consumerId, spatialLayer });
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
