import { createRequire } from 'node:module';
import type * as LibSampleRate from '@alexanderolsen/libsamplerate-js';

// A CommonJS bundle whose exports Node's ESM loader can't see: loaded through require.
const samplerate = createRequire(import.meta.url)('@alexanderolsen/libsamplerate-js') as typeof LibSampleRate;

/**
 * A stateful resampler for a stream of fixed frames (libsamplerate's `full`
 * API keeps the filter state between calls, so frame edges don't click).
 * The filter's delay makes the first outputs short; a FIFO primed with that
 * many zeros turns it into exactly `outFrame` samples per call.
 */
export class FrameResampler {
  #fifo = new Float32Array(0);

  private constructor(
    readonly src: { full(input: Float32Array): Float32Array; destroy(): void },
    readonly inFrame: number,
    readonly outFrame: number,
  ) {}

  static async create(inRate: number, outRate: number, frameMs = 20): Promise<FrameResampler> {
    const src = await samplerate.create(1, inRate, outRate, {
      converterType: samplerate.ConverterType.SRC_SINC_FASTEST,
    });
    return new FrameResampler(src, (inRate * frameMs) / 1000, (outRate * frameMs) / 1000);
  }

  process(input: Int16Array): Int16Array {
    const floats = new Float32Array(input.length);
    for (let i = 0; i < input.length; i++) floats[i] = (input[i] ?? 0) / 32768;
    const out = this.src.full(floats);
    const joined = new Float32Array(this.#fifo.length + out.length);
    joined.set(this.#fifo);
    joined.set(out, this.#fifo.length);
    let available = joined;
    if (available.length < this.outFrame) {
      // Only while the filter fills up: pad in front once, which becomes its fixed delay.
      const padded = new Float32Array(this.outFrame);
      padded.set(available, this.outFrame - available.length);
      available = padded;
    }
    const frame = new Int16Array(this.outFrame);
    for (let i = 0; i < this.outFrame; i++) {
      frame[i] = Math.max(-32768, Math.min(32767, Math.round((available[i] ?? 0) * 32768)));
    }
    this.#fifo = available.slice(this.outFrame);
    return frame;
  }

  close(): void {
    this.src.destroy();
  }
}
