import { g711, type G711 } from '../media/g711.js';
import { RoomMixer } from '../media/mixer.js';
import { OpusEncoder, PHONE_FRAME, PHONE_RATE } from '../media/opus.js';
import { PromptPlayer } from '../ivr/prompt-player.js';
import type { PromptLibrary } from '../ivr/prompt-library.js';
import type { RoomSession } from '../room/room-link.js';
import type { G711Name } from '../sdp/negotiate.js';
import { JitterBuffer } from '../rtp/jitter-buffer.js';

/**
 * One call's audio, one step per 20 ms tick:
 *  - caller → room: jitter buffer (8 kHz) → Opus (encoded from 8 kHz) →
 *    the room, once admitted and not muted;
 *  - room → caller: the prompt player, or once connected the room's mix
 *    without the caller's own voice (decoded and mixed at 8 kHz) → G.711.
 * No resampler of ours: Opus takes and gives 8 kHz natively.
 */
export class CallMedia {
  readonly jitter = new JitterBuffer();
  readonly player: PromptPlayer;
  #codec: G711;
  #session: RoomSession | undefined;
  #mixer: RoomMixer | undefined;
  #encoder: OpusEncoder | undefined;
  muted = false;

  private constructor(prompts: PromptLibrary, codec: G711Name) {
    this.player = new PromptPlayer(prompts);
    this.#codec = g711(codec);
  }

  static create(prompts: PromptLibrary, codec: G711Name): CallMedia {
    return new CallMedia(prompts, codec);
  }

  get codec(): G711 {
    return this.#codec;
  }

  setCodec(name: G711Name): void {
    this.#codec = g711(name);
  }

  /** One received G.711 payload into the jitter buffer. */
  receive(sequence: number, payload: Uint8Array): void {
    this.jitter.push(sequence, this.#codec.decode(payload));
  }

  /** From now on the room is heard and the caller is heard by the room. */
  connect(session: RoomSession): void {
    this.#session = session;
    this.#mixer = new RoomMixer(session.participantId);
    this.#encoder = new OpusEncoder(PHONE_RATE);
    const mixer = this.#mixer;
    session.onRoomAudio((sourceId, frame) => mixer.push(sourceId, frame));
  }

  get connected(): boolean {
    return this.#session !== undefined;
  }

  /** The next 20 ms toward the caller, as G.711, and the caller's 20 ms toward the room. */
  tick(): Uint8Array {
    const heard = toFrame(this.jitter.pop());
    if (this.#session && this.#encoder && !this.muted) {
      this.#session.sendAudio(this.#encoder.encode(heard));
    }
    // A prompt (admitted, removed…) plays over the room until it ends.
    if (this.player.playing || !this.#mixer) return this.#codec.encode(this.player.next());
    return this.#codec.encode(this.#mixer.mix());
  }

  /** Back to prompts only (the caller is leaving the room). */
  disconnect(): void {
    this.#session = undefined;
    this.#mixer = undefined;
    this.#encoder = undefined;
  }

  close(): void {
    this.disconnect();
  }
}

/** Opus takes 20 ms frames only: a trunk's 10 or 30 ms packets are cut or padded to 160 samples. */
function toFrame(samples: Int16Array): Int16Array {
  if (samples.length === PHONE_FRAME) return samples;
  const frame = new Int16Array(PHONE_FRAME);
  frame.set(samples.subarray(0, PHONE_FRAME));
  return frame;
}
