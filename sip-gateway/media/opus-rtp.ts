import { randomInt } from 'node:crypto';
import { serializeRtp } from '../rtp/packet.js';

/**
 * The caller's Opus frames as RTP toward a mediasoup PlainTransport
 * producer: one SSRC, 48 kHz clock, 960 per 20 ms frame. The room-core
 * binding sends these to the transport's tuple.
 */
export class OpusRtpPacketizer {
  readonly ssrc: number;
  #sequence = randomInt(0, 0x10000);
  #timestamp = randomInt(0, 2 ** 32);
  #first = true;

  constructor(
    readonly payloadType: number,
    ssrc?: number,
  ) {
    this.ssrc = ssrc ?? randomInt(1, 2 ** 32);
  }

  packetize(opusFrame: Uint8Array): Buffer {
    const packet = serializeRtp({
      payloadType: this.payloadType,
      marker: this.#first,
      sequence: this.#sequence,
      timestamp: this.#timestamp,
      ssrc: this.ssrc,
      payload: Buffer.from(opusFrame),
    });
    this.#first = false;
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + 960) >>> 0;
    return packet;
  }
}
