import { randomBytes } from 'node:crypto';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from '../../server/media/codecs.js';
import { AUDIO_PT, AUDIO_SSRC, VIDEO_PT, VIDEO_SSRC, type RtpSource } from './rtp.js';
import { dtlsFromSdp, type WeriftViewer } from './werift-viewer.js';

/*
 * Our SFU as the server runs it (same router codecs, a WebRtcServer per
 * worker), driven directly so the bench controls every consumer. One
 * producer pair (Opus + VP8) is fed plain RTP by the bench's RtpSource
 * through a comedia PlainTransport.
 */

/**
 * A worker in the SFU's network namespace (BENCH_SFU_NETNS), where Janus
 * runs too. mediasoup can only prefix its worker command through its
 * valgrind hook, so that hook is borrowed for the one spawn: the command
 * becomes `nsenter --net=/run/netns/<ns> -- mediasoup-worker …`; nsenter
 * execs, so the pid and the channel pipes are the worker's own.
 */
async function createWorkerInSfuNamespace(): Promise<types.Worker> {
  const ns = process.env['BENCH_SFU_NETNS'];
  if (!ns) return mediasoup.createWorker({ logLevel: 'warn' });
  const saved = ['MEDIASOUP_USE_VALGRIND', 'MEDIASOUP_VALGRIND_BIN', 'MEDIASOUP_VALGRIND_OPTIONS'].map(
    (k) => [k, process.env[k]] as const,
  );
  process.env['MEDIASOUP_USE_VALGRIND'] = 'true';
  process.env['MEDIASOUP_VALGRIND_BIN'] = 'nsenter';
  process.env['MEDIASOUP_VALGRIND_OPTIONS'] = `--net=/run/netns/${ns} --`;
  try {
    return await mediasoup.createWorker({ logLevel: 'warn' });
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  }
}

/** Master key + salt length of each suite (RFC 3711, RFC 7714). */
const SRTP_KEY_BYTES: Record<types.SrtpCryptoSuite, number> = {
  AEAD_AES_256_GCM: 44,
  AEAD_AES_128_GCM: 28,
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
};

function srtpSuite(): types.SrtpCryptoSuite {
  const wanted = process.env['BENCH_SRTP_SUITE'] ?? 'AES_CM_128_HMAC_SHA1_80';
  const suite = Object.keys(SRTP_KEY_BYTES).find((k) => k === wanted);
  if (!suite) throw new Error(`BENCH_SRTP_SUITE: unknown suite ${wanted}`);
  return suite as types.SrtpCryptoSuite;
}
const SRTP_SUITE = srtpSuite();

export class MediasoupSfu {
  readonly worker: types.Worker;
  readonly router: types.Router;
  readonly webRtcServer: types.WebRtcServer;
  readonly audio: types.Producer;
  readonly video: types.Producer;
  readonly #sfuIp: string;
  readonly #transports: (types.PlainTransport | types.WebRtcTransport)[] = [];

  private constructor(
    worker: types.Worker,
    router: types.Router,
    webRtcServer: types.WebRtcServer,
    audio: types.Producer,
    video: types.Producer,
    sfuIp: string,
  ) {
    this.worker = worker;
    this.router = router;
    this.webRtcServer = webRtcServer;
    this.audio = audio;
    this.video = video;
    this.#sfuIp = sfuIp;
  }

  /** Starts a worker, its router and the two producers; points `source` at them. */
  static async start(sfuIp: string, webRtcPort: number, source: RtpSource): Promise<MediasoupSfu> {
    const worker = await createWorkerInSfuNamespace();
    const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
    const webRtcServer = await worker.createWebRtcServer({
      listenInfos: [{ protocol: 'udp', ip: sfuIp, port: webRtcPort }],
    });
    const ingest = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: sfuIp },
      rtcpMux: true,
      comedia: true,
    });
    const audio = await ingest.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: AUDIO_SSRC }],
      },
    });
    const video = await ingest.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [
          {
            mimeType: 'video/VP8',
            payloadType: VIDEO_PT,
            clockRate: 90000,
            rtcpFeedback: [
              { type: 'nack' },
              { type: 'nack', parameter: 'pli' },
              { type: 'ccm', parameter: 'fir' },
            ],
          },
        ],
        encodings: [{ ssrc: VIDEO_SSRC }],
      },
    });
    source.addTarget(ingest.tuple.localAddress ?? sfuIp, ingest.tuple.localPort);
    return new MediasoupSfu(worker, router, webRtcServer, audio, video, sfuIp);
  }

  /** Opus and VP8 as the router offers them, without RTX or header extensions. */
  receiverCapabilities(): types.RtpCapabilities {
    const codecs = (this.router.rtpCapabilities.codecs ?? []).filter((c) =>
      ['audio/opus', 'video/vp8'].includes(c.mimeType.toLowerCase()),
    );
    return { codecs, headerExtensions: [] };
  }

  /**
   * One subscriber on a PlainTransport (optionally SRTP) sending to ip:port:
   * two consumers (audio, video). Returns the payload types they use.
   */
  async addPlainSubscriber(
    ip: string,
    port: number,
    srtp: boolean,
  ): Promise<{ audioPt: number; videoPt: number }> {
    const transport = await this.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: this.#sfuIp },
      rtcpMux: true,
      comedia: false,
      enableSrtp: srtp,
      srtpCryptoSuite: SRTP_SUITE,
    });
    this.#transports.push(transport);
    await transport.connect({
      ip,
      port,
      ...(srtp
        ? {
            srtpParameters: {
              cryptoSuite: SRTP_SUITE,
              keyBase64: randomBytes(SRTP_KEY_BYTES[SRTP_SUITE]).toString('base64'),
            },
          }
        : {}),
    });
    const rtpCapabilities = this.receiverCapabilities();
    const a = await transport.consume({ producerId: this.audio.id, rtpCapabilities });
    const v = await transport.consume({ producerId: this.video.id, rtpCapabilities });
    return {
      audioPt: a.rtpParameters.codecs[0]!.payloadType,
      videoPt: v.rtpParameters.codecs[0]!.payloadType,
    };
  }

  /** One werift viewer on a WebRtcTransport of the WebRtcServer, as a browser would be served. */
  async addWebRtcViewer(viewer: WeriftViewer): Promise<void> {
    const transport = await this.router.createWebRtcTransport({
      webRtcServer: this.webRtcServer,
      enableUdp: true,
      enableTcp: false,
      initialAvailableOutgoingBitrate: 1_000_000,
    });
    this.#transports.push(transport);
    const rtpCapabilities = this.receiverCapabilities();
    const consumers = [
      await transport.consume({ producerId: this.audio.id, rtpCapabilities, paused: true }),
      await transport.consume({ producerId: this.video.id, rtpCapabilities, paused: true }),
    ];
    const answer = await viewer.answer(webRtcOffer(transport, consumers));
    const dtls = dtlsFromSdp(answer);
    await transport.connect({
      dtlsParameters: {
        role: dtls.setup === 'active' ? 'client' : 'server',
        fingerprints: [{ algorithm: dtlsAlgorithm(dtls.algorithm), value: dtls.value }],
      },
    });
    for (const consumer of consumers) await consumer.resume();
  }

  close(): void {
    for (const t of this.#transports) t.close();
    this.worker.close();
  }
}

function dtlsAlgorithm(name: string): types.FingerprintAlgorithm {
  const known: types.FingerprintAlgorithm[] = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'];
  const found = known.find((k) => k === name);
  if (!found) throw new Error(`unknown fingerprint algorithm ${name}`);
  return found;
}

/** The offer mediasoup-client's RemoteSdp would write for a recv transport with these consumers. */
function webRtcOffer(transport: types.WebRtcTransport, consumers: types.Consumer[]): string {
  const fp =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ??
    transport.dtlsParameters.fingerprints[0]!;
  const { usernameFragment, password } = transport.iceParameters;
  const candidates = transport.iceCandidates.filter((c) => c.protocol === 'udp');
  const mids = consumers.map((_, i) => String(i));
  const lines = ['v=0', `o=mediasoup ${Date.now()} 1 IN IP4 0.0.0.0`, 's=-', 't=0 0', 'a=ice-lite'];
  lines.push(`a=group:BUNDLE ${mids.join(' ')}`, 'a=msid-semantic: WMS *');
  consumers.forEach((consumer, i) => {
    const codec = consumer.rtpParameters.codecs[0]!;
    const [kind, name] = codec.mimeType.split('/');
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
    const cname = consumer.rtpParameters.rtcp?.cname ?? 'bench';
    lines.push(
      `m=${kind} 7 UDP/TLS/RTP/SAVPF ${codec.payloadType}`,
      'c=IN IP4 127.0.0.1',
      `a=mid:${i}`,
      'a=sendonly',
      `a=ice-ufrag:${usernameFragment}`,
      `a=ice-pwd:${password}`,
      `a=fingerprint:${fp.algorithm} ${fp.value}`,
      'a=setup:actpass',
      ...candidates.map(
        (c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address} ${c.port} typ host`,
      ),
      'a=end-of-candidates',
      'a=rtcp-mux',
      `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`,
      ...(codec.rtcpFeedback ?? []).map(
        (fb) => `a=rtcp-fb:${codec.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`,
      ),
      `a=msid:bench-${i} bench-track-${i}`,
      `a=ssrc:${ssrc} cname:${cname}`,
    );
  });
  return `${lines.join('\r\n')}\r\n`;
}
