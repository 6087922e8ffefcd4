import { Decoder, Encoder } from '@evan/opus';

/** The phone side's rate: G.711's 8 kHz, which Opus encodes from and decodes to natively. */
export const PHONE_RATE = 8000;
/** Samples in 20 ms at the phone side's rate. */
export const PHONE_FRAME = 160;

type OpusRate = 8000 | 48000;

/**
 * Opus mono, 20 ms frames. The gateway encodes the caller's 8 kHz voice as
 * it is (Opus codes it narrowband, SILK at its native rate: no resampling
 * of ours, none lost). Complexity 5 instead of voip's default 10: for
 * narrowband speech the difference is not audible and the encoder costs
 * far less. 48 kHz is for the tests' room side (what a browser sends).
 */
export class OpusEncoder {
  readonly #encoder: Encoder;

  constructor(rate: OpusRate = 48000) {
    this.#encoder = new Encoder({ channels: 1, sample_rate: rate, application: 'voip' });
    if (rate === PHONE_RATE) {
      this.#encoder.complexity = 5;
      this.#encoder.signal = 'voice';
    }
  }

  encode(pcm: Int16Array): Uint8Array {
    return this.#encoder.encode(pcm);
  }
}

/**
 * One per room audio source: Opus keeps state between packets. At 8 kHz the
 * decoder band-limits and outputs the phone rate itself: the room is mixed
 * at 8 kHz and goes to G.711 with no resampler.
 */
export class OpusDecoder {
  readonly #decoder: Decoder;

  constructor(rate: OpusRate = 48000) {
    this.#decoder = new Decoder({ channels: 1, sample_rate: rate });
  }

  decode(packet: Uint8Array): Int16Array {
    const bytes = this.#decoder.decode(packet);
    // Interleaved 16-bit PCM as bytes: viewed in place when aligned, else copied.
    if (bytes.byteOffset % 2 === 0)
      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    const samples = new Int16Array(bytes.byteLength / 2);
    new Uint8Array(samples.buffer).set(bytes);
    return samples;
  }
}
