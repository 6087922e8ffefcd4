import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { loadSipConfig } from '../../sip-gateway/config.js';
import { SipGateway } from '../../sip-gateway/gateway.js';
import type { EnterOutcome, RoomLink, RoomSession } from '../../sip-gateway/room/room-link.js';
import { coreRoomLink } from './sip-core-link.js';
import { syntheticRoomLink } from './sip-synthetic-link.js';

/*
 * The phone gateway as its own process for bench/sip-calls.ts: the same
 * composition as sip-gateway/main.ts (SipGateway.start with the SIP_*
 * variables), with the room link chosen by BENCH_SIP_ROOM:
 *  - synthetic: lib/sip-synthetic-link.ts, the gateway's own cost only;
 *  - core: the real link to the room core (SIP_* variables of the link).
 * The link is wrapped to count admitted calls and the caller frames sent to
 * the room, which the bench reads: "stats" on stdin → one JSON line.
 * Prints one JSON "ready" line.
 */

interface Counted {
  admitted: boolean;
  left: boolean;
  sent: number;
}
const counted = new Set<Counted>();

function counting(inner: RoomLink): RoomLink {
  return {
    async enterWithPin(pin, caller): Promise<EnterOutcome> {
      const outcome = await inner.enterWithPin(pin, caller);
      if (outcome.state !== 'lobby' && outcome.state !== 'admitted') return outcome;
      const entry: Counted = { admitted: outcome.state === 'admitted', left: false, sent: 0 };
      counted.add(entry);
      const s = outcome.session;
      s.onEvent((event) => {
        if (event.type === 'admitted') entry.admitted = true;
        if (event.type !== 'admitted' && event.type !== 'muted') entry.left = true;
      });
      const session: RoomSession = {
        participantId: s.participantId,
        onEvent: (listener) => s.onEvent(listener),
        sendAudio: (frame) => {
          entry.sent++;
          s.sendAudio(frame);
        },
        onRoomAudio: (listener) => s.onRoomAudio(listener),
        leave: () => {
          entry.left = true;
          counted.delete(entry);
          return s.leave();
        },
      };
      return { state: outcome.state, session };
    },
  };
}

const config = loadSipConfig();
const log = pino({ level: config.logLevel });
const inner = process.env['BENCH_SIP_ROOM'] === 'core' ? coreRoomLink(config, log) : syntheticRoomLink();
const gateway = await SipGateway.start(config.gateway, { room: counting(inner), log });
console.log(JSON.stringify({ ready: true, pid: process.pid, port: gateway.port }));

// The pacer thread answers its own lateness record; a slow answer must not hold up the counts.
const pacingOrNull = () =>
  Promise.race([
    gateway.pacing(),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000).unref()),
  ]);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return;
  void pacingOrNull().then((pacing) => {
    const live = [...counted].filter((c) => !c.left);
    console.log(
      JSON.stringify({
        stats: true,
        activeCalls: gateway.activeCalls,
        admitted: live.filter((c) => c.admitted).length,
        sentFrames: live.reduce((n, c) => n + c.sent, 0),
        pacing,
      }),
    );
  });
});

process.on('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0));
});
