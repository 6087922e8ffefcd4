import type { PromptLibrary } from './prompt-library.js';
import type { PromptItem } from './voice-menu.js';

const FRAME = 160;

/**
 * Turns the menu's prompt lists into 20 ms frames at 8 kHz, one per clock
 * tick; calls the list's onDone after its last frame has been handed out.
 */
export class PromptPlayer {
  #samples = new Int16Array(0);
  #offset = 0;
  #onDone: (() => void) | undefined;

  constructor(readonly library: PromptLibrary) {}

  play(items: PromptItem[], onDone: () => void): void {
    const parts = items.map((item) =>
      'prompt' in item ? this.library.get(item.prompt) : new Int16Array(Math.round(item.silence * 8)),
    );
    const total = parts.reduce((n, p) => n + p.length, 0);
    this.#samples = new Int16Array(total);
    let at = 0;
    for (const p of parts) {
      this.#samples.set(p, at);
      at += p.length;
    }
    this.#offset = 0;
    this.#onDone = onDone;
  }

  stop(): void {
    this.#samples = new Int16Array(0);
    this.#offset = 0;
    this.#onDone = undefined;
  }

  get playing(): boolean {
    return this.#offset < this.#samples.length;
  }

  /** The next frame (silence when nothing plays). */
  next(): Int16Array {
    const frame = new Int16Array(FRAME);
    if (this.#offset < this.#samples.length) {
      frame.set(this.#samples.subarray(this.#offset, this.#offset + FRAME));
      this.#offset += FRAME;
      if (this.#offset >= this.#samples.length) {
        const done = this.#onDone;
        this.#onDone = undefined;
        done?.();
      }
    }
    return frame;
  }
}
