import type { Device, types } from 'mediasoup-client';
import {
  RtpCapabilitiesSchema,
  type JoinResult,
  type PeerId,
  type PeerInfo,
  type TransportOptions,
} from '../../signaling/protocol/index.js';
import {
  errorForEarlyEnd,
  type CallEnd,
  type CallListener,
  type JoinParams,
  type ResumeToken,
} from './call-types.js';
import { GuichetError } from './errors.js';
import type { ProtocolClient } from './protocol-client.js';
import { Receiver } from './receiver.js';
import { NO_RECV_STATS, type RecvStats } from './recv-stats.js';
import { Sender, type LocalSource, type LocalTracks } from './sender.js';
import { NO_QUALITY, readQualityCounters, type CallQuality, type QualityCounters } from './quality.js';
import type { SendLimit } from './quality-guard.js';
import { toTransportOptions, wireTransport } from './transport.js';
import { clientCapabilities } from './rtp-compat.js';

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
  /** Role, lock state and (for hosts) who already knocks, before any media is set up. */
  onJoined?: (joined: JoinResult) => void;
  /** ICE through TURN only (`?relay=1`): for networks that pass nothing else, and to test TURN. */
  relayOnly?: boolean;
  /** The server moved the call's media (a worker died): true while it is rebuilt, then false. */
  onMediaRestart?: (restarting: boolean) => void;
}

/**
 * One membership in one room: the socket, the mediasoup Device, and a
 * Receiver and a Sender with their transports. No DOM: tracks go to the UI
 * through CallListener. close() is idempotent and cascades.
 */
export class Call {
  private closed = false;
  private started = false;
  private earlyEnd: CallEnd | undefined;
  private peerId: PeerId | undefined;
  private resumeSecret: string | undefined;
  private readonly iceRestarts: (() => Promise<void>)[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly device: Device;
  private receiver: Receiver | undefined;
  private sendTransport: types.Transport | undefined;
  private sender: Sender | undefined;
  private sending: Promise<void> = Promise.resolve();
  private iceServers: JoinResult['iceServers'] = [];
  /** How many times the server moved our media and we rebuilt it (the e2e tests read it). */
  mediaRestarts = 0;
  // What the user has chosen since the call started: a media restart sends the same.
  private micOn: boolean;
  private cameraOn: boolean;
  // Server events are handled one at a time, in order, and only once the
  // peers listed in the join answer are set up: a `newProducer` can never
  // overtake the consumer set-up of the peer that owns it.
  private queue: Promise<void>;
  private openQueue: () => void = () => undefined;
  // Settled by the `admitted` event (or by close()) while waiting in the lobby.
  private readonly admission: Promise<PeerInfo[]>;
  private admit: (peers: PeerInfo[]) => void = () => undefined;
  private refuseAdmission: (error: Error) => void = () => undefined;

  private constructor(
    private readonly client: ProtocolClient,
    private readonly deps: CallDeps,
  ) {
    this.device = deps.createDevice();
    this.micOn = deps.micOn;
    this.cameraOn = deps.cameraOn;
    this.queue = new Promise((resolve) => {
      this.openQueue = resolve;
    });
    this.admission = new Promise((resolve, reject) => {
      this.admit = resolve;
      this.refuseAdmission = reject;
    });
    this.admission.catch(() => undefined); // only awaited for peers who knock
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

  /** Settles once local tracks are produced (or found missing); never rejects. */
  get sendingReady(): Promise<void> {
    return this.sending;
  }

  private async start(params: JoinParams): Promise<void> {
    this.subscribe();
    const joined = await this.client.request('join', {
      roomId: params.roomId,
      displayName: params.displayName,
      // A one-click link's token, else the room password.
      ...(params.token ? { token: params.token } : { password: params.password }),
      ...(params.resume ? { resume: params.resume } : {}),
      // Built in the same round trip when we're admitted straight away. A
      // send transport that ends up unused (no camera, no mic) costs the
      // server little and closes with the call.
      transports: ['recv', 'send'],
    });
    this.peerId = joined.peerId;
    this.resumeSecret = joined.resumeSecret;
    this.iceServers = joined.iceServers;
    this.deps.onJoined?.(joined);
    const loading = this.device.load({
      routerRtpCapabilities: clientCapabilities(joined.routerRtpCapabilities),
    });
    let peers = joined.peers;
    if (joined.state === 'lobby') {
      // Appointment guests wait for the host; media is refused until then.
      this.deps.listener.onLobby();
      [peers] = await Promise.all([this.admission, loading]);
    }
    // The server builds the transport while the browser inspects its codecs.
    const [recvOptions] = await Promise.all([
      joined.transports?.recv ?? this.client.request('createTransport', { direction: 'recv' }),
      loading,
    ]);
    this.openReceiver(recvOptions);
    // Sending waits for the camera (over a second in a fresh profile);
    // receiving must not: the citizen sees and hears the agent meanwhile.
    this.sending = this.startSending(joined.transports?.send).catch((error: unknown) => {
      if (!this.closed) this.deps.listener.onWarning(error);
    });
    await Promise.all(peers.map((peer) => this.addPeer(peer))).finally(() => this.openQueue());
    this.started = true;
    if (this.earlyEnd) throw errorForEarlyEnd(this.earlyEnd);
  }

  private openReceiver(recvOptions: TransportOptions): void {
    if (this.closed) throw new GuichetError('NETWORK', 'call closed while joining');
    const transport = this.device.createRecvTransport(
      toTransportOptions(recvOptions, this.iceServers, this.deps.relayOnly ?? false),
    );
    this.wireTransport(transport);
    // Parsed rather than passed through: it narrows mediasoup-client's type to
    // the protocol's, and fails here, clearly, if the two ever disagree.
    const capabilities = RtpCapabilitiesSchema.parse(this.device.recvRtpCapabilities);
    this.receiver = new Receiver(this.client, transport, capabilities, this.deps.listener);
  }

  /**
   * The server's media for this room moved to a live worker: our
   * transports, producers and consumers there are gone, but our place, role
   * and admission are not. Build them again, with nobody clicking anything:
   * a receive transport and the peers' streams first, then our own.
   */
  private async restartMedia(peers: PeerInfo[]): Promise<void> {
    this.deps.onMediaRestart?.(true);
    this.receiver?.drop();
    this.sendTransport?.close();
    this.sendTransport = undefined;
    this.sender = undefined;
    this.iceRestarts.splice(0);
    this.openReceiver(await this.client.request('createTransport', { direction: 'recv' }));
    this.mediaRestarts += 1;
    this.sending = this.startSending(undefined).catch((error: unknown) => {
      if (!this.closed) this.deps.listener.onWarning(error);
    });
    await Promise.all(peers.map((peer) => this.consumePeer(peer)));
    void this.sending.then(() => {
      if (!this.closed) this.deps.onMediaRestart?.(false);
    });
  }

  private async startSending(prepared: TransportOptions | undefined): Promise<void> {
    const tracks = await this.deps.tracks;
    const wantsToSend =
      (tracks.audio !== undefined && this.device.canProduce('audio')) ||
      (tracks.video !== undefined && this.device.canProduce('video'));
    if (!wantsToSend || this.closed) return;
    const sendOptions = prepared ?? (await this.client.request('createTransport', { direction: 'send' }));
    if (this.closed) return;
    this.sendTransport = this.device.createSendTransport(
      toTransportOptions(sendOptions, this.iceServers, this.deps.relayOnly ?? false),
    );
    this.wireTransport(this.sendTransport);
    this.sender = new Sender(this.client, this.device, this.sendTransport);
    await this.sender.start({ tracks, micOn: this.micOn, cameraOn: this.cameraOn }, (error) => {
      if (!this.closed) this.deps.listener.onWarning(error);
    });
  }

  private wireTransport(transport: types.Transport): void {
    const restart = wireTransport(transport, this.client, (error) => {
      if (!this.closed) this.deps.listener.onWarning(error);
    });
    this.iceRestarts.push(restart);
  }

  /** Our place in the room, to get it back after a dropped connection. */
  get resumeToken(): ResumeToken | undefined {
    return this.peerId && this.resumeSecret ? { peerId: this.peerId, secret: this.resumeSecret } : undefined;
  }

  /** Restarts ICE on every transport now (the debug hook; failures restart by themselves). */
  async restartIce(): Promise<number> {
    await Promise.all(this.iceRestarts.map((restart) => restart()));
    return this.iceRestarts.length;
  }

  /** Test hook: cuts the signaling connection the way a network loss would. */
  dropSignaling(): void {
    this.client.dropTransport();
  }

  /** Audio-only, receive side: stop showing (and, server allowing, receiving) video. The camera follows its own button. */
  async setAudioOnly(on: boolean): Promise<void> {
    if (!this.closed) await this.receiver?.pauseVideo(on);
  }

  /** Counters for the connection-quality indicators (see quality.ts). */
  async quality(): Promise<CallQuality> {
    const send = this.sendTransport;
    const self = send && !send.closed ? readQualityCounters([await send.getStats()]) : undefined;
    const peers = new Map<string, QualityCounters>();
    for (const [peerId, reports] of (await this.receiver?.peerReports()) ?? []) {
      peers.set(peerId, readQualityCounters(reports));
    }
    return this.closed ? NO_QUALITY : { self, peers };
  }

  private async addPeer(peer: PeerInfo): Promise<void> {
    // Hosts also see who knocks; the lobby is not part of the call yet.
    if (peer.state !== 'admitted' || peer.peerId === this.peerId) return;
    const { peerId, displayName, role, kind } = peer;
    this.deps.listener.onPeerJoined({ peerId, displayName, role, kind });
    await this.consumePeer(peer);
  }

  private async consumePeer(peer: PeerInfo): Promise<void> {
    if (peer.state !== 'admitted' || peer.peerId === this.peerId) return;
    // Concurrent on purpose: mediasoup-client folds consumers created together
    // into one SDP renegotiation, which is most of the time to first frame.
    await Promise.all(peer.producers.map((producer) => this.receiver?.consume(peer.peerId, producer)));
  }

  /** Mutes or unmutes a local source for everyone in the room. */
  async setSourceEnabled(source: LocalSource, on: boolean): Promise<void> {
    if (source === 'mic') this.micOn = on;
    else this.cameraOn = on;
    if (!this.closed) await this.sender?.setSourceEnabled(source, on);
  }

  /** Audio first on a poor link: what the camera (and the mic) may send (quality-guard.ts). */
  async limitCamera(limit: SendLimit): Promise<void> {
    if (!this.closed) await this.sender?.limitCamera(limit);
  }

  /** Document mode: the camera producer sends this track instead (false if no camera is sent). */
  async replaceCameraTrack(track: MediaStreamTrack): Promise<boolean> {
    if (this.closed || !this.sender) return false;
    return this.sender.replaceTrack('camera', track);
  }

  /** Shares a screen; resolves with the function that stops sharing it. */
  async shareScreen(track: MediaStreamTrack): Promise<() => void> {
    const sender = this.sender;
    if (this.closed || !sender) throw new GuichetError('MEDIA_FAILED', 'nothing is sent in this call yet');
    const producer = await sender.shareScreen(track);
    return () => sender.stopScreen(producer);
  }

  canSend(source: LocalSource): boolean {
    return this.sender?.canSend(source) ?? false;
  }

  /** Caps what one consumer receives to what its tile can show. */
  async setPreferredLayers(consumerId: string, spatialLayer: number): Promise<void> {
    if (!this.closed) await this.receiver?.setPreferredLayers(consumerId, spatialLayer);
  }

  private subscribe(): void {
    const { client } = this;
    const listener = this.deps.listener;
    const later = (task: () => void | Promise<void>): void => {
      this.queue = this.queue
        .then(() => (this.closed ? undefined : task()))
        .catch((error: unknown) => listener.onWarning(error));
    };
    this.unsubscribe.push(
      client.on('admitted', ({ peers }) => this.admit(peers)),
      client.on('peerJoined', ({ peer }) => later(() => this.addPeer(peer))),
      client.on('peerLeft', ({ peerId }) =>
        later(() => {
          this.receiver?.removePeer(peerId);
          listener.onPeerLeft(peerId);
        }),
      ),
      client.on('newProducer', ({ peerId, producer }) =>
        later(() => this.receiver?.consume(peerId, producer)),
      ),
      client.on('producerPaused', ({ producerId }) =>
        later(() => this.receiver?.producerPaused(producerId, true)),
      ),
      client.on('producerResumed', ({ producerId }) =>
        later(() => this.receiver?.producerPaused(producerId, false)),
      ),
      client.on('producerClosed', ({ producerId }) => later(() => this.receiver?.removeProducer(producerId))),
      client.on('consumerClosed', ({ consumerId }) => later(() => this.receiver?.remove(consumerId))),
      client.on('activeSpeaker', ({ peerId }) => later(() => listener.onActiveSpeaker(peerId))),
      // The host muted us: the server already paused the producer; follow suit locally.
      client.on('peerMuted', ({ peerId }) =>
        later(() => {
          if (peerId !== this.peerId || !this.sender?.canSend('mic')) return;
          this.sender.pauseLocally('mic');
          this.micOn = false;
          listener.onSelfMuted();
        }),
      ),
      // In the queue: the newProducer events that follow go to the new receiver.
      client.on('mediaRestarted', ({ peers }) => later(() => this.restartMedia(peers))),
      // Endings skip the queue: nothing behind them matters any more.
      client.on('roomClosed', ({ reason, startsAt }) => this.end({ kind: 'roomClosed', reason, startsAt })),
      client.on('reconnect', ({ afterMs }) => this.end({ kind: 'reconnect', afterMs })),
      client.on('kicked', ({ code, message }) => this.end({ kind: 'kicked', code, message })),
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
  getRecvStats(): Promise<RecvStats> {
    return this.receiver?.stats() ?? Promise.resolve({ ...NO_RECV_STATS });
  }

  /** Idempotent. Silent: does not call onEnded. Closing transports closes their producers and consumers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.refuseAdmission(new GuichetError('NETWORK', 'call closed in the lobby'));
    this.openQueue();
    for (const off of this.unsubscribe.splice(0)) off();
    this.sendTransport?.close();
    this.receiver?.close();
    this.client.close();
  }
}
