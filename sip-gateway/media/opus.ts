import { Decoder, Encoder } from '@evan/opus';

export const OPUS_FRAME_48K = 960;

/** Opus at 48 kHz mono, 20 ms frames: the caller's voice toward the room. */
export class OpusEncoder {
  readonly #encoder = new Encoder({ channels: 1, sample_rate: 48000, application: 'voip' });

  encode(pcm: Int16Array): Uint8Array {
    return this.#encoder.encode(pcm);
  }
}

/** One per room audio source: Opus keeps state between packets. */
export class OpusDecoder {
  readonly #decoder = new Decoder({ channels: 1, sample_rate: 48000 });

  decode(packet: Uint8Array): Int16Array {
    const bytes = this.#decoder.decode(packet);
    // The decoder returns interleaved 16-bit PCM as bytes; copy into aligned samples.
    const samples = new Int16Array(bytes.byteLength / 2);
    new Uint8Array(samples.buffer).set(bytes);
    return samples;
  }
}
