import type { types } from 'mediasoup';
import {
  HEADER_EXTENSION_URIS,
  RtpParametersSchema,
  type RtpCapabilities,
  type RtpParameters,
  type TransportOptions,
} from '../../signaling/protocol/index.js';
import type { SignalingClient } from '../../test/helpers/signaling-client.js';
import { IceDtlsRelay } from './ice-relay.js';
import { MediasoupSfu } from './mediasoup-sfu.js';
import { RtpSource } from './rtp.js';

/*
 * Real DTLS-SRTP media into and out of Guichet nodes, cheaply: the load
 * generator runs one mediasoup worker of its own (fed by lib/rtp.ts's
 * Opus + VP8 source) and, for each transport a node hands out, a
 * WebRtcTransport of its own, joined to the node's through an IceDtlsRelay.
 * A sender's transport carries the source's two streams into the node (its
 * producers); a viewer's transport only has to finish DTLS: the relay counts
 * the RTP the node then sends to it and drops it.
 */

const LOOPBACK = '127.0.0.1';
const KNOWN_URIS = new Set<string>(HEADER_EXTENSION_URIS);

export interface RelayedTransport {
  relay: IceDtlsRelay;
  local: types.WebRtcTransport;
}

export class RelayedMedia {
  readonly source: RtpSource;
  readonly sfu: MediasoupSfu;
  readonly #transports: RelayedTransport[] = [];

  private constructor(source: RtpSource, sfu: MediasoupSfu) {
    this.source = source;
    this.sfu = sfu;
  }

  /** The generator's own worker (pid in `workerPid`) and source, on loopback. */
  static async start(webRtcPort: number): Promise<RelayedMedia> {
    const source = await RtpSource.create(LOOPBACK);
    const sfu = await MediasoupSfu.start(LOOPBACK, webRtcPort, source);
    return new RelayedMedia(source, sfu);
  }

  get workerPid(): number {
    return this.sfu.worker.pid;
  }

  /**
   * Connects a node's transport for real: a local transport (DTLS client),
   * the relay between the two, the node told our fingerprint through
   * `connectTransport` first (it drops a ClientHello from a peer it does not
   * know yet), then the local side; resolves once DTLS is up.
   */
  async connect(
    client: SignalingClient,
    remote: TransportOptions,
    options: { countOnly: boolean },
  ): Promise<RelayedTransport> {
    const candidate = remote.iceCandidates.find((c) => c.protocol === 'udp');
    if (!candidate) throw new Error('the node offered no UDP candidate');
    const local = await this.sfu.router.createWebRtcTransport({
      // Below the kernel's ephemeral range and apart from the nodes' ports (bench/cluster.ts).
      listenInfos: [{ protocol: 'udp', ip: LOOPBACK, portRange: { min: 20000, max: 29999 } }],
    });
    const localCandidate = local.iceCandidates[0];
    if (!localCandidate) throw new Error('no local candidate');
    const relay = await IceDtlsRelay.create(
      LOOPBACK,
      { address: candidate.address, port: candidate.port, ...remote.iceParameters },
      { address: LOOPBACK, port: localCandidate.port, ...local.iceParameters },
      options,
    );
    const transport = { relay, local };
    this.#transports.push(transport);
    await client.request('connectTransport', {
      transportId: remote.id,
      dtlsParameters: { role: 'client', fingerprints: local.dtlsParameters.fingerprints },
    });
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('DTLS did not connect in 30 s')), 30_000);
      local.on('dtlsstatechange', (state) => {
        if (state === 'connected') {
          clearTimeout(timer);
          resolve();
        } else if (state === 'failed' || state === 'closed') {
          clearTimeout(timer);
          reject(new Error(`DTLS ${state}`));
        }
      });
    });
    await local.connect({
      dtlsParameters: { role: 'server', fingerprints: remote.dtlsParameters.fingerprints },
    });
    // A lost first Binding request would leave ICE waiting for the next ping (5 s): ping again meanwhile.
    const pinger = setInterval(() => relay.ping(), 500);
    try {
      await connected;
    } finally {
      clearInterval(pinger);
    }
    return transport;
  }

  /**
   * Makes the node's send transport carry the source's audio and video, as
   * a browser's producers: our consumers' RTP parameters (computed against
   * the node's router capabilities) become the node's producers.
   */
  async produceBoth(
    client: SignalingClient,
    sendTransport: TransportOptions,
    routerCapabilities: RtpCapabilities,
    local: types.WebRtcTransport,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const producer of [this.sfu.audio, this.sfu.video]) {
      const consumer = await local.consume({
        producerId: producer.id,
        rtpCapabilities: routerCapabilities,
      });
      const answer = await client.request('produce', {
        transportId: sendTransport.id,
        kind: producer.kind,
        source: producer.kind === 'audio' ? 'mic' : 'camera',
        rtpParameters: asProtocolParameters(consumer.rtpParameters),
      });
      ids.push(answer.producerId);
    }
    return ids;
  }

  close(): void {
    for (const t of this.#transports.splice(0)) {
      t.relay.close();
      t.local.close();
    }
  }

  /** Closes the transports of one batch (a configuration's end). */
  closeTransports(transports: RelayedTransport[]): void {
    for (const t of transports) {
      t.relay.close();
      t.local.close();
      const i = this.#transports.indexOf(t);
      if (i >= 0) this.#transports.splice(i, 1);
    }
  }

  stop(): void {
    this.close();
    this.source.close();
    this.sfu.close();
  }
}

/** mediasoup's RTP parameters as the protocol accepts them (header extensions it does not know left out). */
function asProtocolParameters(parameters: types.RtpParameters): RtpParameters {
  const plain: unknown = JSON.parse(
    JSON.stringify({
      ...parameters,
      headerExtensions: (parameters.headerExtensions ?? []).filter((h) => KNOWN_URIS.has(h.uri)),
    }),
  );
  return RtpParametersSchema.parse(plain);
}
