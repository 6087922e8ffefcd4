import { OpusEncoder } from '../../sip-gateway/media/opus.js';
import type { EnterOutcome, RoomEvent, RoomLink, RoomSession } from '../../sip-gateway/room/room-link.js';

/*
 * The SYNTHETIC room side of the phone bench: every PIN enters a lobby and
 * is admitted 300 ms later, and each admitted call hears one participant
 * speaking (a 440 Hz tone, real Opus frames, 50 a second), as a room with
 * one WebRTC participant would send it. What the caller says is dropped.
 * It measures the gateway alone (SIP, pacer, jitter buffer, resampling,
 * Opus encode and decode, the mix); the room core's own cost and the socket
 * path to it are not in it (that is the `core` mode of the bench).
 */

class SyntheticSession implements RoomSession {
  readonly #events: ((event: RoomEvent) => void)[] = [];
  readonly audio: ((sourceId: string, frame: Uint8Array) => void)[] = [];
  left = false;
  constructor(readonly participantId: string) {}
  onEvent(listener: (event: RoomEvent) => void): void {
    this.#events.push(listener);
  }
  sendAudio(): void {}
  onRoomAudio(listener: (sourceId: string, opusFrame: Uint8Array) => void): void {
    this.audio.push(listener);
  }
  leave(): Promise<void> {
    this.left = true;
    return Promise.resolve();
  }
  emit(event: RoomEvent): void {
    for (const listener of this.#events) listener(event);
  }
}

export function syntheticRoomLink(): RoomLink {
  const sessions = new Set<SyntheticSession>();
  let next = 0;
  // One second of the participant's voice, encoded once; every call gets the same frames.
  const encoder = new OpusEncoder();
  const voice = Array.from({ length: 50 }, (_, n) =>
    encoder.encode(
      Int16Array.from({ length: 960 }, (_, i) =>
        Math.round(8000 * Math.sin((2 * Math.PI * 440 * (n * 960 + i)) / 48000)),
      ),
    ),
  );
  let frame = 0;
  setInterval(() => {
    const opus = voice[frame++ % voice.length]!;
    for (const session of sessions) {
      if (session.left) sessions.delete(session);
      else for (const listener of session.audio) listener('participant', opus);
    }
  }, 20);
  return {
    enterWithPin(): Promise<EnterOutcome> {
      const session = new SyntheticSession(`phone-${++next}`);
      sessions.add(session);
      setTimeout(() => {
        if (!session.left) session.emit({ type: 'admitted' });
      }, 300);
      return Promise.resolve({ state: 'lobby', session });
    },
  };
}
