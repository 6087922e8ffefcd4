import { seqDiff } from './packet.js';

/**
 * A small fixed-delay jitter buffer for 20 ms G.711 frames, read once per
 * clock tick. Reordered packets are put back in order, duplicates and late
 * packets dropped. A missing frame is concealed by repeating the last one,
 * fading (-6 dB per frame); after three it is silence (G.711 Appendix I's
 * idea, in its simplest form).
 */
export class JitterBuffer {
  readonly #frames = new Map<number, Int16Array>();
  #next: number | undefined;
  #started = false;
  #last: Int16Array | undefined;
  #concealed = 0;
  readonly stats = { received: 0, played: 0, concealed: 0, late: 0, duplicate: 0 };

  constructor(
    /** Frames held before playout starts: the delay absorbed. */
    readonly depth = 3,
    readonly frameSamples = 160,
    readonly maxFrames = 50,
  ) {}

  push(sequence: number, samples: Int16Array): void {
    this.stats.received++;
    if (this.#next !== undefined) {
      const ahead = seqDiff(sequence, this.#next);
      if (ahead < 0) {
        this.stats.late++;
        return;
      }
      if (ahead > this.maxFrames) this.#reset();
    }
    if (this.#frames.has(sequence)) {
      this.stats.duplicate++;
      return;
    }
    this.#frames.set(sequence, samples);
    if (this.#next === undefined || seqDiff(sequence, this.#next) < 0) this.#next = sequence;
    if (!this.#started && this.#frames.size >= this.depth) this.#started = true;
  }

  /** The next 20 ms; silence before playout starts. */
  pop(): Int16Array {
    if (!this.#started || this.#next === undefined) return new Int16Array(this.frameSamples);
    const seq = this.#next;
    this.#next = (seq + 1) & 0xffff;
    const frame = this.#frames.get(seq);
    if (frame) {
      this.#frames.delete(seq);
      this.#last = frame;
      this.#concealed = 0;
      this.stats.played++;
      return frame;
    }
    this.stats.concealed++;
    this.#concealed++;
    if (this.#frames.size === 0 && this.#concealed > this.depth * 4) this.#started = false;
    if (!this.#last || this.#concealed > 3) return new Int16Array(this.frameSamples);
    const gain = 0.5 ** this.#concealed;
    return this.#last.map((s) => Math.round(s * gain));
  }

  #reset(): void {
    this.#frames.clear();
    this.#next = undefined;
    this.#started = false;
  }
}
