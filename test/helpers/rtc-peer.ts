import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { z } from 'zod';
import {
  DtlsParametersSchema,
  MediaIdSchema,
  RtpParametersSchema,
  type DtlsParameters,
  type RtpCapabilities,
} from '../../signaling/protocol/index.js';
import type { SignalingClient } from './signaling-client.js';

/*
 * A minimal "mediasoup-client for Node" on werift, for integration tests:
 * one RTCPeerConnection per mediasoup WebRtcTransport, remote SDP built from
 * the server's transport parameters, Opus-shaped RTP with a payload that
 * says who sent it and in which order.
 */

export const OPUS_PAYLOAD_TYPE = 100;
const OPUS = { mimeType: 'audio/opus', clockRate: 48000, channels: 2 } as const;

/** What a Node receiver can take: Opus only, no header extensions, no feedback. */
export const OPUS_RECV_CAPABILITIES: RtpCapabilities = {
  codecs: [{ kind: 'audio', preferredPayloadType: OPUS_PAYLOAD_TYPE, ...OPUS }],
  headerExtensions: [],
};

/** One packet every 20 ms, like a real Opus encoder. */
const PACKET_INTERVAL_MS = 20;
const SAMPLES_PER_PACKET = 960;

// The server's createTransport answer, checked at runtime rather than trusted.
const ServerTransportSchema = z.object({
  id: MediaIdSchema,
  iceParameters: z.object({ usernameFragment: z.string().min(1), password: z.string().min(1) }),
  iceCandidates: z
    .array(
      z.object({
        foundation: z.string().min(1),
        priority: z.number().int().nonnegative(),
        address: z.string().min(1),
        protocol: z.enum(['udp', 'tcp']),
        port: z.number().int().min(1).max(65535),
        type: z.enum(['host', 'srflx', 'prflx', 'relay']),
      }),
    )
    .min(1),
  dtlsParameters: DtlsParametersSchema,
});
type ServerTransport = z.infer<typeof ServerTransportSchema>;

/*
 * Test payload: an Opus TOC byte (so mediasoup's Opus parser sees a normal
 * 20 ms frame), a magic, the sender's tag, a counter, then filler derived
 * from both. A receiver can prove a packet is exactly what one sender wrote.
 */
const MAGIC = Buffer.from('GUICHET!', 'ascii');
const PAYLOAD_BYTES = 1 + MAGIC.length + 4 + 4 + 40;
const OPUS_TOC = 0xfc; // config 31 (CELT FB 20 ms), stereo, one frame

export function testPayload(tag: number, counter: number): Buffer {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload[0] = OPUS_TOC;
  MAGIC.copy(payload, 1);
  payload.writeUInt32BE(tag >>> 0, 1 + MAGIC.length);
  payload.writeUInt32BE(counter >>> 0, 5 + MAGIC.length);
  for (let i = 9 + MAGIC.length; i < PAYLOAD_BYTES; i += 1) payload[i] = (tag + counter * 7 + i) & 0xff;
  return payload;
}

/** The tag and counter of a test payload, or null when the bytes aren't exactly one. */
export function decodeTestPayload(payload: Buffer): { tag: number; counter: number } | null {
  if (payload.length !== PAYLOAD_BYTES || !payload.subarray(1, 1 + MAGIC.length).equals(MAGIC)) return null;
  const tag = payload.readUInt32BE(1 + MAGIC.length);
  const counter = payload.readUInt32BE(5 + MAGIC.length);
  return payload.equals(testPayload(tag, counter)) ? { tag, counter } : null;
}

function loopbackPeerConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    // werift defaults to a public STUN server; this machine may only talk to itself.
    iceServers: [],
    // No host candidates from real interfaces: gather and bind 127.0.0.1 only.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    codecs: { audio: [new RTCRtpCodecParameters({ ...OPUS, payloadType: OPUS_PAYLOAD_TYPE })], video: [] },
  });
}

/**
 * werift falls back to stun.l.google.com when no STUN server is configured
 * (iceServers: [] included), and waits up to 5 s for it while gathering.
 * Take it away from every ICE connection before gathering starts: no packet
 * (nor DNS query) may leave this machine, and setLocalDescription gets fast.
 */
function forbidStun(pc: RTCPeerConnection): void {
  for (const transport of pc.iceTransports) transport.connection.stunServer = undefined;
}

/** Throws when werift gathered anything but a 127.0.0.1 host candidate. */
function assertLoopbackOnly(sdp: string): void {
  const candidates = sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'));
  const stray = candidates.filter((line) => !/ udp \d+ 127\.0\.0\.1 \d+ typ host/.test(line));
  if (candidates.length === 0 || stray.length > 0)
    throw new Error(`werift gathered non-loopback candidates:\n${sdp}`);
}

function match(sdp: string, pattern: RegExp, what: string): RegExpMatchArray {
  const found = sdp.match(pattern);
  if (!found) throw new Error(`local SDP has no ${what}:\n${sdp}`);
  return found;
}

/** What we need from werift's own description: it is the only source of our mid, ssrc and fingerprint. */
function parseLocalSdp(sdp: string) {
  const fingerprint = match(sdp, /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\r?$/m, 'fingerprint');
  const ssrc = sdp.match(/^a=ssrc:(\d+) cname:(\S+)\r?$/m);
  const dtls: DtlsParameters = DtlsParametersSchema.parse({
    role: 'client', // mediasoup's transport then acts as DTLS server
    fingerprints: [{ algorithm: fingerprint[1]?.toLowerCase(), value: fingerprint[2] }],
  });
  return {
    dtls,
    mid: match(sdp, /^a=mid:(\S+)\r?$/m, 'mid')[1] ?? '',
    payloadType: Number(match(sdp, /^a=rtpmap:(\d+) opus\/48000\/2\r?$/im, 'Opus rtpmap')[1]),
    setup: match(sdp, /^a=setup:(\w+)\r?$/m, 'setup')[1] ?? '',
    ssrc: ssrc ? { ssrc: Number(ssrc[1]), cname: ssrc[2] ?? '' } : null,
  };
}

interface RemoteMedia {
  mid: string;
  payloadType: number;
  direction: 'sendonly' | 'recvonly';
  setup: 'actpass' | 'passive';
  fmtp?: string;
  ssrc?: { ssrc: number; cname: string };
}

/** The mediasoup side of one m=audio section, as mediasoup-client's RemoteSdp would write it. */
function remoteSdp(transport: ServerTransport, media: RemoteMedia): string {
  const fingerprint =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ??
    transport.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new Error('server transport has no DTLS fingerprint');
  // werift speaks ICE over UDP only; mediasoup's WebRtcServer only has host candidates.
  const candidates = transport.iceCandidates.filter((c) => c.protocol === 'udp' && c.type === 'host');
  if (candidates.length === 0) throw new Error('server transport has no UDP candidate');
  const { mid, payloadType: pt, fmtp, ssrc } = media;
  const { usernameFragment, password } = transport.iceParameters;
  const lines = [
    ...['v=0', `o=mediasoup ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=ice-lite'],
    ...[`a=group:BUNDLE ${mid}`, `m=audio 7 UDP/TLS/RTP/SAVPF ${pt}`, 'c=IN IP4 127.0.0.1', `a=mid:${mid}`],
    ...[`a=${media.direction}`, `a=ice-ufrag:${usernameFragment}`, `a=ice-pwd:${password}`],
    ...[`a=fingerprint:${fingerprint.algorithm} ${fingerprint.value}`, `a=setup:${media.setup}`],
    ...candidates.map(
      (c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address} ${c.port} typ host`,
    ),
    ...['a=end-of-candidates', 'a=rtcp-mux', `a=rtpmap:${pt} opus/48000/2`],
    ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
    ...(ssrc ? [`a=ssrc:${ssrc.ssrc} cname:${ssrc.cname}`] : []),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

async function createServerTransport(client: SignalingClient, direction: 'send' | 'recv') {
  return ServerTransportSchema.parse(await client.request('createTransport', { direction }));
}

/** One werift RTCPeerConnection standing for one mediasoup WebRtcTransport. */
abstract class Endpoint {
  protected readonly pc: RTCPeerConnection;
  #closed = false;

  protected constructor(pc: RTCPeerConnection) {
    this.pc = pc;
  }

  /** For failure messages: where the connection got stuck. */
  get connectionState(): string {
    return this.pc.connectionState;
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.beforeClose();
    await this.pc.close();
  }

  protected beforeClose(): void {}
}

/** Produces one Opus-shaped audio track through a send transport and keeps writing packets. */
export class AudioSender extends Endpoint {
  readonly producerId: string;
  readonly tag: number;
  readonly #track: MediaStreamTrack;
  readonly #timer: NodeJS.Timeout;
  readonly #payload: (counter: number) => Buffer;
  #written = 0;

  private constructor(
    pc: RTCPeerConnection,
    track: MediaStreamTrack,
    producerId: string,
    tag: number,
    payload: (counter: number) => Buffer,
  ) {
    super(pc);
    this.#track = track;
    this.producerId = producerId;
    this.tag = tag;
    this.#payload = payload;
    this.#timer = setInterval(() => this.#writeNext(), PACKET_INTERVAL_MS);
  }

  /**
   * `tag` goes into every payload, so a receiver can tell whose packets it got.
   * `payload`: real Opus frames instead (a tone for the phone gateway's tests).
   */
  static async start(
    client: SignalingClient,
    tag: number,
    payload: (counter: number) => Buffer = (counter) => testPayload(tag, counter),
  ): Promise<AudioSender> {
    const transport = await createServerTransport(client, 'send');
    const pc = loopbackPeerConnection();
    try {
      const track = new MediaStreamTrack({ kind: 'audio' });
      pc.addTransceiver(track, { direction: 'sendonly' });
      const offer = await pc.createOffer();
      forbidStun(pc);
      await pc.setLocalDescription(offer);
      const localSdp = pc.localDescription?.sdp ?? '';
      assertLoopbackOnly(localSdp);
      const local = parseLocalSdp(localSdp);
      if (!local.ssrc) throw new Error('werift offered no a=ssrc line');
      // Connect before the answer starts ICE/DTLS, as mediasoup-client does on its first produce.
      await client.request('connectTransport', { transportId: transport.id, dtlsParameters: local.dtls });
      const { producerId } = await client.request('produce', {
        transportId: transport.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: {
          mid: local.mid,
          codecs: [{ ...OPUS, payloadType: local.payloadType }],
          encodings: [{ ssrc: local.ssrc.ssrc }],
          rtcp: { cname: local.ssrc.cname, reducedSize: true },
        },
      });
      const { mid, payloadType } = local;
      const answer = remoteSdp(transport, { mid, payloadType, direction: 'recvonly', setup: 'passive' });
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      return new AudioSender(pc, track, MediaIdSchema.parse(producerId), tag, payload);
    } catch (error) {
      await pc.close();
      throw error;
    }
  }

  /** Packets handed to werift so far (it drops those written before DTLS is up). */
  get written(): number {
    return this.#written;
  }

  #writeNext(): void {
    const counter = this.#written;
    this.#written += 1;
    // werift rewrites ssrc and payload type, and offsets sequence number and timestamp.
    const header = new RtpHeader({
      payloadType: OPUS_PAYLOAD_TYPE,
      sequenceNumber: counter & 0xffff,
      timestamp: (counter * SAMPLES_PER_PACKET) >>> 0,
      marker: counter === 0,
    });
    this.#track.writeRtp(new RtpPacket(header, this.#payload(counter)));
  }

  protected override beforeClose(): void {
    clearInterval(this.#timer);
    this.#track.stop();
  }
}

/** Consumes one audio producer through its own recv transport and records every packet. */
export class AudioReceiver extends Endpoint {
  readonly consumerId: string;
  readonly producerId: string;
  /** Decoded payloads in arrival order. */
  readonly packets: { tag: number; counter: number }[] = [];
  /** Packets whose payload was not a test payload at all. */
  foreign = 0;
  /** Every payload as received (real Opus from the phone gateway, for instance). */
  readonly payloads: Buffer[] = [];

  private constructor(pc: RTCPeerConnection, consumerId: string, producerId: string) {
    super(pc);
    this.consumerId = consumerId;
    this.producerId = producerId;
  }

  static async start(client: SignalingClient, producerId: string): Promise<AudioReceiver> {
    const transport = await createServerTransport(client, 'recv');
    const consumer = await client.request('consume', {
      transportId: transport.id,
      producerId,
      rtpCapabilities: OPUS_RECV_CAPABILITIES,
    });
    const rtp = RtpParametersSchema.parse(consumer.rtpParameters);
    const codec = rtp.codecs[0];
    const ssrc = rtp.encodings?.[0]?.ssrc;
    if (codec?.mimeType.toLowerCase() !== OPUS.mimeType || rtp.mid === undefined || ssrc === undefined) {
      throw new Error(`unexpected consumer rtpParameters ${JSON.stringify(rtp)}`);
    }
    const fmtp = Object.entries(codec.parameters ?? {})
      .filter((entry): entry is [string, string | number] => ['string', 'number'].includes(typeof entry[1]))
      .map(([key, value]) => `${key}=${value}`)
      .join(';');

    const pc = loopbackPeerConnection();
    const receiver = new AudioReceiver(pc, MediaIdSchema.parse(consumer.consumerId), producerId);
    try {
      pc.onTrack.subscribe((track) => {
        track.onReceiveRtp.subscribe((packet) => receiver.#record(packet.payload));
      });
      const offer = remoteSdp(transport, {
        mid: rtp.mid,
        payloadType: codec.payloadType,
        direction: 'sendonly',
        setup: 'actpass',
        ...(fmtp ? { fmtp } : {}),
        ssrc: { ssrc, cname: rtp.rtcp?.cname ?? 'mediasoup' },
      });
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const answer = await pc.createAnswer();
      const local = parseLocalSdp(answer.sdp);
      if (local.setup !== 'active')
        throw new Error(`werift answered a=setup:${local.setup}, expected active`);
      await client.request('connectTransport', { transportId: transport.id, dtlsParameters: local.dtls });
      forbidStun(pc);
      await pc.setLocalDescription(answer);
      assertLoopbackOnly(pc.localDescription?.sdp ?? '');
      // The server creates consumers paused so no packet is lost before this side is ready.
      await client.request('resumeConsumer', { consumerId: receiver.consumerId });
      return receiver;
    } catch (error) {
      await receiver.close();
      throw error;
    }
  }

  #record(payload: Buffer): void {
    this.payloads.push(Buffer.from(payload));
    const decoded = decodeTestPayload(payload);
    if (decoded) this.packets.push(decoded);
    else this.foreign += 1;
  }
}
