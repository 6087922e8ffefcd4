import { OpusDecoder } from './opus.js';

const FRAME = 960;
const MAX_QUEUED = 10;

interface Source {
  decoder: OpusDecoder;
  queue: Int16Array[];
  idleTicks: number;
}

/**
 * The room as the caller hears it (LiveKit SIP's idea: one mixer per call,
 * 48 kHz, 20 ms): every audio source in the room decoded and summed, except
 * the caller's own voice. Each source keeps a short queue, read one frame per
 * tick; a source silent for 10 s is forgotten.
 */
export class RoomMixer {
  readonly #sources = new Map<string, Source>();

  constructor(readonly selfId: string) {}

  push(sourceId: string, opusFrame: Uint8Array): void {
    if (sourceId === this.selfId) return;
    let source = this.#sources.get(sourceId);
    if (!source) {
      source = { decoder: new OpusDecoder(), queue: [], idleTicks: 0 };
      this.#sources.set(sourceId, source);
    }
    source.queue.push(source.decoder.decode(opusFrame));
    if (source.queue.length > MAX_QUEUED) source.queue.shift();
  }

  /** The next 20 ms of the mix at 48 kHz. */
  mix(): Int16Array {
    const sum = new Int32Array(FRAME);
    for (const [id, source] of this.#sources) {
      const frame = source.queue.shift();
      if (!frame) {
        if (++source.idleTicks > 500) this.#sources.delete(id);
        continue;
      }
      source.idleTicks = 0;
      for (let i = 0; i < FRAME; i++) sum[i] = (sum[i] ?? 0) + (frame[i] ?? 0);
    }
    const out = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) out[i] = Math.max(-32768, Math.min(32767, sum[i] ?? 0));
    return out;
  }

  get sourceCount(): number {
    return this.#sources.size;
  }
}
