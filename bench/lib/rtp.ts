import { createSocket, type Socket } from 'node:dgram';

/*
 * A deterministic RTP source: Opus-shaped audio at 50 packets/s and
 * VP8-shaped video at about 1 Mbit/s (30 frames/s, a keyframe every 2 s and
 * whenever a PLI arrives). Payloads are synthetic, but their VP8 payload
 * descriptor is valid, so mediasoup sees real keyframes. Every payload
 * carries the send time (process.hrtime, ns) at a fixed offset, so a
 * receiver in this process can compute the one-way latency.
 */

export const AUDIO_PT = 100;
export const VIDEO_PT = 101;
export const AUDIO_SSRC = 0x11110001;
export const VIDEO_SSRC = 0x22220002;

const AUDIO_PAYLOAD = 80; // bytes; ~32 kbit/s Opus
const VIDEO_PAYLOAD = 1040; // bytes per packet
const VIDEO_PACKETS_PER_FRAME = 4; // 4 × 1040 B × 30 fps ≈ 1.0 Mbit/s
const KEYFRAME_PACKETS = 15;
const KEYFRAME_EVERY_MS = 2000;
/** Offset of the 8-byte send time in the payload: after Opus TOC, or after VP8 descriptor + header. */
export const AUDIO_TIME_OFFSET = 1;
export const VIDEO_TIME_OFFSET = 14;

export interface SourceCounters {
  audio: number;
  video: number;
  keyframes: number;
  plis: number;
}

function rtpHeader(pt: number, seq: number, ts: number, ssrc: number, marker: boolean, size: number): Buffer {
  const packet = Buffer.alloc(12 + size);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | pt;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(ts >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  return packet;
}

function fill(packet: Buffer, from: number, seed: number): void {
  for (let i = from; i < packet.length; i += 1) packet[i] = (seed + i * 31) & 0xff;
}

export class RtpSource {
  readonly counters: SourceCounters = { audio: 0, video: 0, keyframes: 0, plis: 0 };
  readonly #socket: Socket;
  readonly #targets: { address: string; port: number; kind: 'audio' | 'video' | 'both' }[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #start = performance.now();
  #audioSeq = 0;
  #videoSeq = 0;
  #frames = 0;
  #audioFrames = 0;
  #lastKeyframe = -Infinity;
  #keyframeWanted = true;
  #picId = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (msg) => this.#onRtcp(msg));
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Bound to `bindAddress`; sends to every target added. */
  static async create(bindAddress: string): Promise<RtpSource> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, bindAddress, resolve));
    return new RtpSource(socket);
  }

  /** Where to send: both kinds to one port (an SFU demuxing by SSRC), or one kind per port (Janus). */
  addTarget(address: string, port: number, kind: 'audio' | 'video' | 'both' = 'both'): void {
    this.#targets.push({ address, port, kind });
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  requestKeyframe(): void {
    this.#keyframeWanted = true;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }

  #send(packet: Buffer, kind: 'audio' | 'video'): void {
    for (const t of this.#targets) {
      if (t.kind === 'both' || t.kind === kind) this.#socket.send(packet, t.port, t.address);
    }
  }

  #tick(): void {
    const elapsed = performance.now() - this.#start;
    while (this.#audioFrames * 20 <= elapsed) this.#sendAudio();
    while ((this.#frames * 1000) / 30 <= elapsed) this.#sendVideoFrame(elapsed);
  }

  #sendAudio(): void {
    const n = this.#audioFrames;
    this.#audioFrames += 1;
    const packet = rtpHeader(AUDIO_PT, this.#audioSeq++, n * 960, AUDIO_SSRC, n === 0, AUDIO_PAYLOAD);
    packet[12] = 0xfc; // Opus TOC: CELT FB 20 ms, stereo, one frame
    packet.writeBigUInt64BE(process.hrtime.bigint(), 12 + AUDIO_TIME_OFFSET);
    fill(packet, 12 + AUDIO_TIME_OFFSET + 8, n);
    this.#send(packet, 'audio');
    this.counters.audio += 1;
  }

  #sendVideoFrame(elapsed: number): void {
    const frame = this.#frames;
    this.#frames += 1;
    const key = this.#keyframeWanted || elapsed - this.#lastKeyframe >= KEYFRAME_EVERY_MS;
    if (key) {
      this.#keyframeWanted = false;
      this.#lastKeyframe = elapsed;
      this.counters.keyframes += 1;
    }
    this.#picId = (this.#picId + 1) & 0x7fff;
    const count = key ? KEYFRAME_PACKETS : VIDEO_PACKETS_PER_FRAME;
    const ts = Math.round(frame * 3000);
    for (let i = 0; i < count; i += 1) {
      const packet = rtpHeader(VIDEO_PT, this.#videoSeq++, ts, VIDEO_SSRC, i === count - 1, VIDEO_PAYLOAD);
      const p = 12;
      // VP8 payload descriptor: X=1, S on the first packet, PID 0; I=1; 15-bit picture id.
      packet[p] = 0x80 | (i === 0 ? 0x10 : 0);
      packet[p + 1] = 0x80;
      packet[p + 2] = 0x80 | (this.#picId >> 8);
      packet[p + 3] = this.#picId & 0xff;
      if (i === 0) {
        // VP8 frame header: P bit 0 = keyframe; show_frame; keyframe start code and 640×480.
        packet[p + 4] = key ? 0x10 : 0x11;
        if (key) {
          packet.set([0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01], p + 5);
        }
      }
      packet.writeBigUInt64BE(process.hrtime.bigint(), p + VIDEO_TIME_OFFSET);
      fill(packet, p + VIDEO_TIME_OFFSET + 8, frame + i);
      this.#send(packet, 'video');
      this.counters.video += 1;
    }
  }

  /** RTCP from the SFU: a PLI (PSFB fmt 1) or FIR (fmt 4) asks for a keyframe. */
  #onRtcp(msg: Buffer): void {
    let offset = 0;
    while (offset + 4 <= msg.length) {
      const fmt = msg[offset]! & 0x1f;
      const pt = msg[offset + 1]!;
      const words = msg.readUInt16BE(offset + 2);
      if (pt === 206 && (fmt === 1 || fmt === 4)) {
        this.counters.plis += 1;
        this.#keyframeWanted = true;
      }
      offset += (words + 1) * 4;
    }
  }
}

/** Where the RTP payload starts (after CSRCs and a header extension), or -1 for RTCP/garbage. */
export function rtpPayloadOffset(packet: Buffer): number {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return -1;
  const pt = packet[1]! & 0x7f;
  if (pt >= 64 && pt <= 95) return -1; // RTCP (200–204 with the marker bit)
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return -1;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset <= packet.length ? offset : -1;
}

/**
 * Counts RTP packets arriving on a few UDP sockets; optionally reads the
 * send time from the payload (only possible when it isn't SRTP).
 */
export class RtpSink {
  received = 0;
  rtcp = 0;
  readonly latenciesUs: number[] = [];
  readonly sockets: Socket[] = [];
  #sampleLatency = false;
  #audioPt = -1;
  #videoPt = -1;

  static async create(bindAddress: string, count: number): Promise<RtpSink> {
    const sink = new RtpSink();
    for (let i = 0; i < count; i += 1) {
      const socket = createSocket({ type: 'udp4', recvBufferSize: 16 * 1024 * 1024 });
      socket.on('message', (msg) => sink.#onPacket(msg));
      await new Promise<void>((resolve) => socket.bind(0, bindAddress, resolve));
      sink.sockets.push(socket);
    }
    return sink;
  }

  ports(): number[] {
    return this.sockets.map((s) => s.address().port);
  }

  /** Start reading the embedded send time of packets with these payload types. */
  measureLatency(audioPt: number, videoPt: number): void {
    this.#audioPt = audioPt;
    this.#videoPt = videoPt;
    this.#sampleLatency = true;
    this.latenciesUs.length = 0;
  }

  stopLatency(): void {
    this.#sampleLatency = false;
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }

  #onPacket(msg: Buffer): void {
    const offset = rtpPayloadOffset(msg);
    if (offset < 0) {
      this.rtcp += 1;
      return;
    }
    this.received += 1;
    if (!this.#sampleLatency) return;
    const pt = msg[1]! & 0x7f;
    const at =
      pt === this.#audioPt
        ? offset + AUDIO_TIME_OFFSET
        : pt === this.#videoPt
          ? offset + VIDEO_TIME_OFFSET
          : -1;
    if (at < 0 || at + 8 > msg.length) return;
    const latencyUs = Number(process.hrtime.bigint() - msg.readBigUInt64BE(at)) / 1000;
    // A straggler from an SRTP phase has random bytes there: keep only plausible values.
    if (latencyUs >= 0 && latencyUs < 10_000_000) this.latenciesUs.push(latencyUs);
  }
}
