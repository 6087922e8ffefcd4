import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { OpusRtpPacketizer } from '../media/opus-rtp.js';
import { parseRtp } from '../rtp/packet.js';

/** The payload type of the caller's Opus toward the room, and of the room's Opus toward us. */
export const ROOM_OPUS_PT = 100;
/** An Opus packet with a TOC byte and no frame (RFC 6716 §3.2.1, code 0, length 0): silence for one 20 ms frame. */
const OPUS_EMPTY_FRAME = Buffer.from([0xf8]);

/**
 * One call's RTP leg toward the room's PlainTransport (comedia): one UDP
 * socket that sends the caller's Opus there and receives every consumer the
 * gateway opened on the same transport, each with its own SSRC, told apart
 * by the SSRC → participant table the session fills.
 */
export class RoomRtp {
  readonly packetizer = new OpusRtpPacketizer(ROOM_OPUS_PT);
  readonly #socket: Socket;
  readonly #sources = new Map<number, string>();
  #target: { ip: string; port: number } | undefined;
  #closed = false;
  #onAudio: (sourceId: string, frame: Uint8Array) => void = () => undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (data) => this.#receive(data));
    // A stray ICMP error on UDP must not end the process.
    socket.on('error', () => undefined);
  }

  /**
   * The transport's address (a host name is resolved once here, not at every
   * packet) and a socket of its family on an ephemeral port.
   */
  static async open(transportAddress: string): Promise<{ rtp: RoomRtp; ip: string }> {
    const ip = isIP(transportAddress) ? transportAddress : (await lookup(transportAddress)).address;
    const socket = createSocket(isIP(ip) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return { rtp: new RoomRtp(socket), ip };
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  /** Where the transport listens; a first packet tells it (comedia) where we are. */
  connect(target: { ip: string; port: number }): void {
    this.#target = target;
    this.#send(this.packetizer.packetize(OPUS_EMPTY_FRAME));
  }

  sendOpus(frame: Uint8Array): void {
    if (this.#target) this.#send(this.packetizer.packetize(frame));
  }

  addSource(ssrc: number, sourceId: string): void {
    this.#sources.set(ssrc, sourceId);
  }

  removeSource(sourceId: string, ssrc?: number): void {
    for (const [key, id] of this.#sources) {
      if (id === sourceId && (ssrc === undefined || ssrc === key)) this.#sources.delete(key);
    }
  }

  clearSources(): void {
    this.#sources.clear();
  }

  onAudio(listener: (sourceId: string, frame: Uint8Array) => void): void {
    this.#onAudio = listener;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#target = undefined;
    this.#socket.close();
  }

  #send(packet: Buffer): void {
    if (this.#closed || !this.#target) return;
    this.#socket.send(packet, this.#target.port, this.#target.ip);
  }

  #receive(data: Buffer): void {
    const packet = parseRtp(data);
    if (!packet || packet.payload.length === 0) return;
    const source = this.#sources.get(packet.ssrc);
    if (source !== undefined) this.#onAudio(source, packet.payload);
  }
}
