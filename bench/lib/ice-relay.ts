import { createHmac, randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { crc32 } from 'node:zlib';

/*
 * A UDP relay that lets two ICE-lite endpoints (a Guichet node's
 * WebRtcTransport and one of the load generator's own mediasoup
 * WebRtcTransports) reach each other: mediasoup only answers STUN, so the
 * relay plays the controlling ICE agent towards both (Binding requests with
 * USE-CANDIDATE, signed with each side's password), then passes DTLS and
 * media between them. The generator's mediasoup does the DTLS handshake and
 * SRTP in C++, so a real DTLS-SRTP transport costs the generator little.
 * RTP coming from the node is counted by its clear header and, when
 * `countOnly`, not passed on: the bench needs the count, not the media.
 */

const STUN_MAGIC = 0x2112a442;
/** mediasoup's bandwidth probation packets: padding, not media. */
const PROBATION_PT = 127;
const FINGERPRINT_XOR = 0x5354554e;

export interface IceEndpoint {
  address: string;
  port: number;
  usernameFragment: string;
  password: string;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/** A STUN Binding request as a controlling ICE agent nominating the pair (RFC 8445, RFC 5389). */
export function bindingRequest(remote: IceEndpoint, localUfrag: string, tieBreaker: Buffer): Buffer {
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e0001ff, 0);
  const body = Buffer.concat([
    attribute(0x0006, Buffer.from(`${remote.usernameFragment}:${localUfrag}`)), // USERNAME
    attribute(0x0024, priority), // PRIORITY
    attribute(0x802a, tieBreaker), // ICE-CONTROLLING
    attribute(0x0025, Buffer.alloc(0)), // USE-CANDIDATE
  ]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt32BE(STUN_MAGIC, 4);
  randomBytes(12).copy(header, 8);
  // MESSAGE-INTEGRITY covers the message with its length already counting the attribute itself.
  header.writeUInt16BE(body.length + 24, 2);
  const integrity = createHmac('sha1', remote.password).update(header).update(body).digest();
  const withIntegrity = Buffer.concat([header, body, attribute(0x0008, integrity)]);
  withIntegrity.writeUInt16BE(body.length + 24 + 8, 2);
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(withIntegrity) ^ FINGERPRINT_XOR) >>> 0, 0);
  return Buffer.concat([withIntegrity, attribute(0x8028, fingerprint)]);
}

/** RTP (not RTCP, not STUN, not DTLS), by RFC 7983's first-byte ranges and the RTCP payload types. */
function isRtp(packet: Buffer): boolean {
  const first = packet[0] ?? 0;
  if (first < 128 || first > 191 || packet.length < 12) return false;
  const pt = (packet[1] ?? 0) & 0x7f;
  return pt < 64 || pt > 95;
}

export class IceDtlsRelay {
  /** RTP packets that came from the node. */
  rtpFromNode = 0;
  /** The same, by payload type. */
  readonly rtpByPayloadType = new Uint32Array(128);
  /** Per SSRC, since `openWindow`: extended sequence numbers seen and packets received. */
  #window: Map<number, { first: number; last: number; highest: number; received: number }> | null = null;
  readonly #socket: Socket;
  readonly #node: IceEndpoint;
  readonly #local: IceEndpoint;
  readonly #countOnly: boolean;
  readonly #ufrag = randomBytes(4).toString('hex');
  readonly #tieBreaker = randomBytes(8);
  readonly #timer: NodeJS.Timeout;

  private constructor(socket: Socket, node: IceEndpoint, local: IceEndpoint, countOnly: boolean) {
    this.#socket = socket;
    this.#node = node;
    this.#local = local;
    this.#countOnly = countOnly;
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    socket.on('error', () => undefined);
    this.ping();
    // ICE consent: mediasoup drops a transport that hears no STUN for 30 s.
    this.#timer = setInterval(() => this.ping(), 5000);
    this.#timer.unref();
  }

  /** A relay on `bindAddress` between `node` and `local`; pings both at once. */
  static async create(
    bindAddress: string,
    node: IceEndpoint,
    local: IceEndpoint,
    options: { countOnly: boolean },
  ): Promise<IceDtlsRelay> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 21 });
    await new Promise<void>((resolve) => socket.bind(0, bindAddress, resolve));
    return new IceDtlsRelay(socket, node, local, options.countOnly);
  }

  ping(): void {
    for (const end of [this.#node, this.#local]) {
      this.#socket.send(bindingRequest(end, this.#ufrag, this.#tieBreaker), end.port, end.address);
    }
  }

  /** Starts counting sequence numbers afresh (a measurement window). */
  openWindow(): void {
    this.#window = new Map();
  }

  /**
   * RTP loss since `openWindow`, as a receiver reports it (RFC 3550 A.3):
   * packets expected from the sequence numbers' span, per SSRC, against
   * packets received. Unlike a count against what the source sent, it does
   * not move with packets in flight at the window's edges.
   */
  windowStats(): { expected: number; received: number } {
    let expected = 0;
    let received = 0;
    for (const s of this.#window?.values() ?? []) {
      expected += s.highest - s.first + 1;
      received += s.received;
    }
    return { expected, received };
  }

  #track(ssrc: number, seq: number): void {
    const state = this.#window?.get(ssrc);
    if (!state) {
      this.#window?.set(ssrc, { first: seq, last: seq, highest: seq, received: 1 });
      return;
    }
    // Extend the 16-bit number from the last one seen (forward or a little back, across wraps).
    const delta = (seq - (state.last & 0xffff) + 0x10000) & 0xffff;
    const extended = delta < 0x8000 ? state.last + delta : state.last - (0x10000 - delta);
    state.last = extended;
    if (extended > state.highest) state.highest = extended;
    if (extended >= state.first) state.received += 1;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }

  #onMessage(msg: Buffer, from: RemoteInfo): void {
    if ((msg[0] ?? 0) < 4) return; // STUN answers: nothing to pass on.
    const fromNode = from.port === this.#node.port && from.address === this.#node.address;
    if (fromNode) {
      if (isRtp(msg)) {
        this.rtpFromNode += 1;
        const pt = (msg[1] ?? 0) & 0x7f;
        this.rtpByPayloadType[pt]! += 1;
        if (this.#window && pt !== PROBATION_PT) this.#track(msg.readUInt32BE(8), msg.readUInt16BE(2));
        if (this.#countOnly) return;
      } else if (this.#countOnly && (msg[0] ?? 0) >= 128) return; // RTCP for a receiver with no consumer
      this.#socket.send(msg, this.#local.port, this.#local.address);
    } else if (from.port === this.#local.port) {
      this.#socket.send(msg, this.#node.port, this.#node.address);
    }
  }
}
