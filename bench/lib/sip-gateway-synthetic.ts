import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { loadSipConfig } from '../../sip-gateway/config.js';
import { SipGateway } from '../../sip-gateway/gateway.js';
import { OpusEncoder } from '../../sip-gateway/media/opus.js';
import type { EnterOutcome, RoomEvent, RoomLink, RoomSession } from '../../sip-gateway/room/room-link.js';

/*
 * The phone gateway as its own process for bench/sip-calls.ts, with a
 * SYNTHETIC room side: every PIN enters a lobby and is admitted 300 ms
 * later, and each admitted call hears one room participant speaking (a
 * 440 Hz tone, real Opus frames, 50 a second), as a room with one WebRTC
 * participant would send. What the caller says is counted and dropped.
 * It measures the gateway alone (SIP, pacer, jitter buffer, resampling,
 * Opus encode and decode, the mix); the room core's own cost and the socket
 * path to it are not in it (see the `core` mode of the bench).
 *
 * Configured by the same SIP_* variables as sip-gateway/main.ts. Prints one
 * JSON "ready" line; answers "stats" on stdin with one JSON line.
 */

class SyntheticSession implements RoomSession {
  readonly #events: ((event: RoomEvent) => void)[] = [];
  readonly audio: ((sourceId: string, frame: Uint8Array) => void)[] = [];
  sent = 0;
  admitted = false;
  left = false;
  constructor(readonly participantId: string) {}
  onEvent(listener: (event: RoomEvent) => void): void {
    this.#events.push(listener);
  }
  sendAudio(): void {
    this.sent++;
  }
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

const sessions = new Set<SyntheticSession>();
let next = 0;

const link: RoomLink = {
  enterWithPin(): Promise<EnterOutcome> {
    const session = new SyntheticSession(`phone-${++next}`);
    sessions.add(session);
    setTimeout(() => {
      if (session.left) return;
      session.admitted = true;
      session.emit({ type: 'admitted' });
    }, 300);
    return Promise.resolve({ state: 'lobby', session });
  },
};

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
    if (session.left) {
      sessions.delete(session);
      continue;
    }
    for (const listener of session.audio) listener('participant', opus);
  }
}, 20);

const config = loadSipConfig();
const log = pino({ level: config.logLevel });
const gateway = await SipGateway.start(config.gateway, { room: link, log });
console.log(JSON.stringify({ ready: true, pid: process.pid, port: gateway.port }));

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return;
  void gateway.pacing().then((pacing) => {
    const live = [...sessions].filter((s) => !s.left);
    const admitted = live.filter((s) => s.admitted).length;
    const sentFrames = live.reduce((n, s) => n + s.sent, 0);
    console.log(
      JSON.stringify({ stats: true, activeCalls: gateway.activeCalls, admitted, sentFrames, pacing }),
    );
  });
});

process.on('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0));
});
