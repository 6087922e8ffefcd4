import type { Logger } from 'pino';
import type {
  JoinResult,
  PeerInfo,
  RoomId,
  RtpCapabilities,
  ServerEventName,
  ServerEvents,
} from '../../signaling/protocol/index.js';
import type { CallerIdentity, RoomEvent, RoomSession } from './room-link.js';
import { CoreConnection, CoreError } from './core-connection.js';
import { ROOM_OPUS_PT, RoomRtp } from './room-rtp.js';

/** What the gateway can receive on its plain transport: Opus, nothing else. */
const OPUS_ONLY: RtpCapabilities = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      preferredPayloadType: ROOM_OPUS_PT,
      clockRate: 48000,
      channels: 2,
    },
  ],
  headerExtensions: [],
};
/** More hops than this means the cluster disagrees with itself (the browser's rule too). */
export const MAX_REDIRECTS = 3;
/** How long a dropped connection is retried before the call is told the room is gone (the server keeps the place 20 s). */
const RESUME_FOR_MS = 18_000;
const RESUME_EVERY_MS = 1000;
/** Refusals that pass (a node starting or stopping, a media restart): try again. */
const RETRYABLE = new Set([
  'NETWORK',
  'TIMEOUT',
  'SHUTTING_DOWN',
  'MEDIA_ERROR',
  'STORE_UNAVAILABLE',
  'INTERNAL',
]);

export interface CoreSessionDeps {
  /** GUICHET_URL: any node of the room core. */
  entryUrl: string;
  serviceToken: string;
  log: Logger;
}

interface Consumed {
  consumerId: string;
  producerId: string;
  peerId: string;
  ssrc: number;
}

/**
 * One caller in one room, as a protocol client of the room core: joined
 * with the service credential and the caller's PIN, routed to the room's
 * owner node (ROOM_ELSEWHERE), resumed on another connection if the socket
 * drops. Once admitted, one plain RTP transport carries the caller's Opus
 * to the room and every other audio producer of the room back, each one a
 * consumer told apart by its SSRC.
 */
export class CoreSession implements RoomSession {
  #participantId = '';
  #resumeSecret = '';
  #conn: CoreConnection | undefined;
  #state: 'lobby' | 'admitted' = 'lobby';
  #gone = false;
  #rtp: RoomRtp | undefined;
  #transportId: string | undefined;
  /** Bumped each time the media is rebuilt: work for an older generation stops. */
  #generation = 0;
  readonly #consumers = new Map<string, Consumed>();
  /** Every audio producer of the others that the room announced: producer id → peer id. */
  readonly #audioProducers = new Map<string, string>();
  readonly #consuming = new Set<string>();
  readonly #eventListeners: ((event: RoomEvent) => void)[] = [];
  /** Every event so far (a handful per call): each new listener hears them first, not only the first one. */
  readonly #past: RoomEvent[] = [];
  readonly #audioListeners: ((sourceId: string, frame: Uint8Array) => void)[] = [];
  readonly #log: Logger;

  constructor(
    readonly deps: CoreSessionDeps,
    readonly roomId: RoomId,
    readonly pin: string,
    readonly caller: CallerIdentity,
  ) {
    this.#log = deps.log.child({ roomId });
  }

  get participantId(): string {
    return this.#participantId;
  }

  /** The first entry: follows ROOM_ELSEWHERE; throws the room core's refusal as a CoreError. */
  async join(): Promise<'lobby' | 'admitted'> {
    const result = await this.#enter(false);
    return result.state;
  }

  onEvent(listener: (event: RoomEvent) => void): void {
    this.#eventListeners.push(listener);
    for (const event of [...this.#past]) listener(event);
  }

  onRoomAudio(listener: (sourceId: string, opusFrame: Uint8Array) => void): void {
    this.#audioListeners.push(listener);
  }

  sendAudio(opusFrame: Uint8Array): void {
    if (this.#state === 'admitted') this.#rtp?.sendOpus(opusFrame);
  }

  async leave(): Promise<void> {
    if (this.#gone) return;
    this.#gone = true;
    const conn = this.#conn;
    this.#conn = undefined;
    this.#dropMedia();
    if (!conn) return;
    try {
      if (conn.connected) await conn.request('leave', {}, 3000);
    } catch (error) {
      this.#log.debug({ err: error }, 'leave not acknowledged');
    } finally {
      conn.close();
    }
  }

  // Entering, redirects, resume

  async #enter(resume: boolean): Promise<JoinResult> {
    let url = this.deps.entryUrl;
    this.#conn?.close();
    this.#conn = undefined;
    for (let hop = 0; ; hop += 1) {
      const conn = await CoreConnection.open(url);
      // The handlers are on before the join is sent: an agent may admit within
      // milliseconds of the knock, and socket.io can hand us that event in the
      // same tick as the join's answer, before the await below resumes. What
      // comes before the answer is held and replayed once the answer is applied.
      const early: (() => void)[] = [];
      let answered = false;
      this.#listen(conn, (run) => (answered ? run() : early.push(run)));
      try {
        const result = await conn.request('join', {
          roomId: this.roomId,
          // The room core keeps the last two digits only, whatever this says.
          displayName: `Téléphone ${this.caller.masked}`,
          credential: { kind: 'service', token: this.deps.serviceToken, pin: this.pin },
          ...(resume && this.#participantId
            ? { resume: { peerId: this.#participantId, secret: this.#resumeSecret } }
            : {}),
        });
        if (this.#gone) {
          conn.close();
          throw new CoreError('NOT_JOINED', 'the call ended while joining');
        }
        this.#attach(conn, result);
        answered = true;
        for (const run of early.splice(0)) run();
        return result;
      } catch (error) {
        conn.close();
        if (!(error instanceof CoreError) || error.code !== 'ROOM_ELSEWHERE' || !error.location) throw error;
        if (hop >= MAX_REDIRECTS) throw new CoreError('TIMEOUT', 'the room could not be reached');
        this.#log.debug({ hop }, 'room lives on another node');
        url = error.location;
      }
    }
  }

  #attach(conn: CoreConnection, result: JoinResult): void {
    this.#conn = conn;
    const fresh = result.peerId !== this.#participantId;
    this.#participantId = result.peerId;
    this.#resumeSecret = result.resumeSecret;
    const was = this.#state;
    this.#state = result.state;
    conn.onDrop((reason) => void this.#resume(reason));
    if (fresh && was === 'admitted' && result.state === 'lobby') {
      // The place was lost (the grace ran out): the caller knocks again, the menu keeps waiting.
      this.#log.warn('resumed as a new member, back in the lobby');
    }
    this.#learn(result.peers);
    if (result.state === 'admitted') void this.#buildMedia();
  }

  /** The room core's events on one connection, each run through `defer` (held until the join is answered). */
  #listen(conn: CoreConnection, defer: (run: () => void) => void): void {
    const malformed = (name: string): void => this.#log.warn({ event: name }, 'malformed event dropped');
    const on = <E extends ServerEventName>(name: E, listener: (payload: ServerEvents[E]) => void): void =>
      conn.on(name, (payload) => defer(() => listener(payload)), malformed);
    on('admitted', ({ peers }) => {
      if (this.#state === 'admitted') return;
      this.#state = 'admitted';
      this.#emit({ type: 'admitted' });
      this.#learn(peers);
      void this.#buildMedia();
    });
    on('kicked', ({ code }) => {
      if (code === 'ALREADY_JOINED') return; // our own resume took this place over
      this.#final(code === 'REFUSED' ? 'refused' : 'removed');
    });
    on('roomClosed', ({ reason }) => {
      // A node going down: the room lives on elsewhere, come back with the resume credential.
      if (reason === 'server-shutdown') return;
      this.#final(reason === 'cancelled' ? 'cancelled' : 'ended');
    });
    on('peerMuted', ({ peerId }) => {
      if (peerId === this.#participantId) this.#emit({ type: 'muted', muted: true });
    });
    on('newProducer', ({ peerId, producer }) => {
      if (producer.kind !== 'audio' || peerId === this.#participantId) return;
      this.#audioProducers.set(producer.producerId, peerId);
      void this.#consume(this.#generation, peerId, producer.producerId);
    });
    on('producerClosed', ({ producerId }) => this.#forgetProducer(producerId));
    on('peerLeft', ({ peerId }) => {
      for (const [producerId, owner] of this.#audioProducers) {
        if (owner === peerId) this.#forgetProducer(producerId);
      }
    });
    on('consumerClosed', ({ consumerId }) => this.#forgetConsumer(consumerId));
    on('mediaRestarted', ({ peers }) => {
      this.#learn(peers);
      if (this.#state === 'admitted') void this.#buildMedia();
    });
  }

  /** The room as a join, an admission or a media restart describes it: its audio producers, afresh. */
  #learn(peers: PeerInfo[]): void {
    this.#audioProducers.clear();
    for (const peer of peers) {
      if (peer.peerId === this.#participantId || peer.state !== 'admitted') continue;
      for (const producer of peer.producers) {
        if (producer.kind === 'audio') this.#audioProducers.set(producer.producerId, peer.peerId);
      }
    }
  }

  async #resume(reason: string): Promise<void> {
    if (this.#gone) return;
    this.#log.info({ reason }, 'room core connection dropped; resuming');
    this.#dropMedia();
    const deadline = Date.now() + RESUME_FOR_MS;
    while (!this.#gone && Date.now() < deadline) {
      try {
        // Through the entry address: whichever node answers owns the room now or names its owner.
        const result = await this.#enter(true);
        this.#log.info({ state: result.state }, 'resumed');
        return;
      } catch (error) {
        if (error instanceof CoreError && !RETRYABLE.has(error.code)) {
          this.#log.info({ code: error.code }, 'resume refused');
          this.#final('ended');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RESUME_EVERY_MS));
      }
    }
    if (!this.#gone) this.#final('ended');
  }

  /** The room is over for this caller: tell the menu once, and let go of everything. */
  #final(type: 'refused' | 'removed' | 'ended' | 'cancelled'): void {
    if (this.#gone) return;
    this.#emit({ type });
    void this.leave();
  }

  #emit(event: RoomEvent): void {
    this.#past.push(event);
    for (const listener of this.#eventListeners) listener(event);
  }

  // Media

  /** One plain transport, the caller's producer, a consumer per audio producer of the others. */
  async #buildMedia(): Promise<void> {
    const generation = ++this.#generation;
    this.#dropMedia(false);
    const conn = this.#conn;
    if (!conn || this.#gone) return;
    try {
      const transport = await conn.request('createPlainTransport', { comedia: true });
      // MEDIA_PLAIN_ANNOUNCED_ADDRESS may be a host name (compose: the node's service).
      const { rtp, ip } = await RoomRtp.open(transport.ip);
      if (generation !== this.#generation || this.#gone) {
        rtp.close();
        return;
      }
      this.#rtp = rtp;
      this.#transportId = transport.id;
      rtp.onAudio((sourceId, frame) => {
        for (const listener of this.#audioListeners) listener(sourceId, frame);
      });
      rtp.connect({ ip, port: transport.port });
      await conn.request('produce', {
        transportId: transport.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: ROOM_OPUS_PT, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc: rtp.packetizer.ssrc }],
        },
      });
      for (const [producerId, peerId] of [...this.#audioProducers]) {
        await this.#consume(generation, peerId, producerId);
      }
      this.#log.info({ consumers: this.#consumers.size }, 'room audio connected');
    } catch (error) {
      if (generation === this.#generation && !this.#gone)
        this.#log.warn({ err: error }, 'room audio could not be set up');
    }
  }

  async #consume(generation: number, peerId: string, producerId: string): Promise<void> {
    const conn = this.#conn;
    const transportId = this.#transportId;
    const rtp = this.#rtp;
    if (!conn || !transportId || !rtp || generation !== this.#generation) return;
    if (this.#consuming.has(producerId)) return;
    if ([...this.#consumers.values()].some((c) => c.producerId === producerId)) return;
    this.#consuming.add(producerId);
    try {
      const consumer = await conn.request('consume', { transportId, producerId, rtpCapabilities: OPUS_ONLY });
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc === undefined || generation !== this.#generation) return;
      this.#consumers.set(consumer.consumerId, {
        consumerId: consumer.consumerId,
        producerId,
        peerId: consumer.peerId,
        ssrc,
      });
      rtp.addSource(ssrc, consumer.peerId);
      await conn.request('resumeConsumer', { consumerId: consumer.consumerId });
    } catch (error) {
      this.#log.debug({ err: error, peerId }, 'could not consume');
    } finally {
      this.#consuming.delete(producerId);
    }
  }

  #forgetProducer(producerId: string): void {
    this.#audioProducers.delete(producerId);
    for (const consumed of this.#consumers.values()) {
      if (consumed.producerId === producerId) this.#forgetConsumer(consumed.consumerId);
    }
  }

  #forgetConsumer(consumerId: string): void {
    const consumed = this.#consumers.get(consumerId);
    if (!consumed) return;
    this.#consumers.delete(consumerId);
    this.#rtp?.removeSource(consumed.peerId, consumed.ssrc);
  }

  /** The media plane's side is gone (or about to be rebuilt): our socket and tables go too. */
  #dropMedia(bump = true): void {
    if (bump) this.#generation += 1;
    this.#rtp?.close();
    this.#rtp = undefined;
    this.#transportId = undefined;
    this.#consumers.clear();
  }
}
