// Namespace import: the only form esbuild can tree-shake (see scripts/build-client.mjs).
import * as z from 'zod';
import type { StatsReportLike } from './recv-stats.js';

/*
 * Connection quality from getStats: packet loss, round-trip time and the
 * bandwidth estimate, turned into good / fair / poor for the indicators and
 * for proposing audio-only. Counters are cumulative; a level compares two
 * snapshots, so one bad second long ago does not colour the whole call.
 */

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface QualityCounters {
  /** Packets lost (received side, or as reported back by the receiver for what we send). */
  lost: number;
  /** Packets expected: received + lost, or sent. */
  total: number;
  rttMs?: number | undefined;
  /** The sender's bandwidth estimate (send transport only). */
  availableKbps?: number | undefined;
  /** Video frames decoded (receive side): a picture that stopped moving is a poor link, whatever the loss says. */
  framesDecoded?: number | undefined;
}

/** What the screen shows of the participant: a picture that should be moving, or not. */
export interface QualityContext {
  videoShown: boolean;
}

export interface CallQuality {
  self: QualityCounters | undefined;
  peers: ReadonlyMap<string, QualityCounters>;
}

export const NO_QUALITY: CallQuality = { self: undefined, peers: new Map() };

const StatSchema = z.object({
  type: z.string(),
  kind: z.string().optional(),
  framesDecoded: z.number().optional(),
  packetsLost: z.number().optional(),
  packetsReceived: z.number().optional(),
  packetsSent: z.number().optional(),
  roundTripTime: z.number().optional(),
  currentRoundTripTime: z.number().optional(),
  availableOutgoingBitrate: z.number().optional(),
  state: z.string().optional(),
  nominated: z.boolean().optional(),
});

/** Sums what one participant's reports say (one per consumer, or the send transport's). */
export function readQualityCounters(reports: readonly StatsReportLike[]): QualityCounters {
  const counters: QualityCounters = { lost: 0, total: 0 };
  const rtts: number[] = [];
  for (const report of reports) {
    report.forEach((value: unknown) => {
      const parsed = StatSchema.safeParse(value);
      if (!parsed.success) return;
      const s = parsed.data;
      if (s.type === 'inbound-rtp') {
        counters.lost += Math.max(0, s.packetsLost ?? 0);
        counters.total += Math.max(0, s.packetsLost ?? 0) + (s.packetsReceived ?? 0);
        if (s.kind === 'video')
          counters.framesDecoded = (counters.framesDecoded ?? 0) + (s.framesDecoded ?? 0);
      } else if (s.type === 'outbound-rtp') {
        counters.total += s.packetsSent ?? 0;
      } else if (s.type === 'remote-inbound-rtp') {
        counters.lost += Math.max(0, s.packetsLost ?? 0);
        if (s.roundTripTime !== undefined) rtts.push(s.roundTripTime * 1000);
      } else if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated === true) {
        if (s.currentRoundTripTime !== undefined) rtts.push(s.currentRoundTripTime * 1000);
        if (s.availableOutgoingBitrate !== undefined) {
          counters.availableKbps = s.availableOutgoingBitrate / 1000;
        }
      }
    });
  }
  if (rtts.length > 0) counters.rttMs = Math.max(...rtts);
  return counters;
}

// Below this many packets between two snapshots, a loss ratio means nothing.
const MIN_PACKETS = 20;

// Under one frame a second, a picture that should move is frozen.
const FROZEN_FPS = 1;

/** Share of the packets we sent between two snapshots that the receiver reported lost; undefined under MIN_PACKETS. */
export function sentLossShare(
  previous: QualityCounters | undefined,
  next: QualityCounters,
): number | undefined {
  if (!previous) return undefined;
  const total = next.total - previous.total;
  if (total < MIN_PACKETS) return undefined;
  return Math.min(1, Math.max(0, next.lost - previous.lost) / total);
}

/** The level between two snapshots of the same participant's counters, `seconds` apart. */
export function qualityLevel(
  previous: QualityCounters | undefined,
  next: QualityCounters,
  context: QualityContext = { videoShown: false },
  seconds = 2,
): QualityLevel {
  const total = next.total - (previous?.total ?? 0);
  const lost = next.lost - (previous?.lost ?? 0);
  const loss = previous && total >= MIN_PACKETS ? Math.max(0, lost) / total : undefined;
  const { rttMs, availableKbps } = next;
  const frames =
    previous?.framesDecoded !== undefined && next.framesDecoded !== undefined
      ? next.framesDecoded - previous.framesDecoded
      : undefined;
  const frozen = context.videoShown && frames !== undefined && frames < FROZEN_FPS * seconds;
  if (loss === undefined && rttMs === undefined && availableKbps === undefined) return 'unknown';
  const worse = (poor: boolean, fair: boolean): 0 | 1 | 2 => (poor ? 2 : fair ? 1 : 0);
  const score = Math.max(
    frozen ? 2 : 0,
    loss === undefined ? 0 : worse(loss >= 0.08, loss >= 0.02),
    rttMs === undefined ? 0 : worse(rttMs >= 600, rttMs >= 300),
    availableKbps === undefined ? 0 : worse(availableKbps < LOW_BANDWIDTH_KBPS, availableKbps < 300),
  );
  return score === 2 ? 'poor' : score === 1 ? 'fair' : 'good';
}

/** Under this estimate, video cannot go out decently (quality-guard.ts pauses it a little above). */
export const LOW_BANDWIDTH_KBPS = 120;
