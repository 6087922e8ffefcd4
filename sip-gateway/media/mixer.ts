import { OpusDecoder, PHONE_FRAME, PHONE_RATE } from './opus.js';

const MAX_QUEUED = 10;
/** 10 s of 20 ms ticks. */
const FORGET_AFTER_TICKS = 500;

interface Source {
  decoder: OpusDecoder;
  queue: Int16Array[];
  idleTicks: number;
}

/**
 * The room as the caller hears it (LiveKit SIP's idea: one mixer per call,
 * 20 ms): every audio source in the room decoded and summed, except the
 * caller's own voice. Decoded and mixed at the phone's 8 kHz: Opus outputs
 * it natively, and the line carries nothing above 4 kHz anyway. Each source
 * keeps a short queue, read one frame per tick; a source silent for 10 s is
 * forgotten.
 */
export class RoomMixer {
  readonly #sources = new Map<string, Source>();
  readonly #sum = new Int32Array(PHONE_FRAME);

  constructor(readonly selfId: string) {}

  push(sourceId: string, opusFrame: Uint8Array): void {
    if (sourceId === this.selfId) return;
    let source = this.#sources.get(sourceId);
    if (!source) {
      source = { decoder: new OpusDecoder(PHONE_RATE), queue: [], idleTicks: 0 };
      this.#sources.set(sourceId, source);
    }
    source.queue.push(source.decoder.decode(opusFrame));
    if (source.queue.length > MAX_QUEUED) source.queue.shift();
  }

  /** The next 20 ms of the mix at 8 kHz (a new array: the caller may keep it). */
  mix(): Int16Array {
    const sum = this.#sum;
    sum.fill(0);
    for (const [id, source] of this.#sources) {
      const frame = source.queue.shift();
      if (!frame) {
        if (++source.idleTicks > FORGET_AFTER_TICKS) this.#sources.delete(id);
        continue;
      }
      source.idleTicks = 0;
      const n = Math.min(PHONE_FRAME, frame.length);
      for (let i = 0; i < n; i++) sum[i] = (sum[i] ?? 0) + (frame[i] ?? 0);
    }
    const out = new Int16Array(PHONE_FRAME);
    for (let i = 0; i < PHONE_FRAME; i++) {
      const v = sum[i] ?? 0;
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return out;
  }

  get sourceCount(): number {
    return this.#sources.size;
  }
}
