/*
 * Audio first on a poor link (issue 16): from the send side's view of the
 * link (bandwidth estimate, round trip, share of our packets lost), how much
 * this client may send. Pure, so the thresholds are unit-tested;
 * ui/call-extras.ts applies each decision to the call.
 *
 * The ladder: all three simulcast layers; at most the middle one; only the
 * smallest; video paused in both directions (below ~150 kbit/s, where even
 * the smallest layer would starve the sound). Every step caps the video
 * bitrate under the estimate, leaving room for audio, and on a poor link
 * the microphone too is capped: four opus streams at their usual 32 kbit/s
 * plus headers (~64 kbit/s each on the wire) would fill a 300 kbit/s link
 * on their own (measured: BENCHMARKS.md, "Audio first on a poor link").
 *
 * Going down is immediate (one sample), and straight to paused when the
 * estimate collapses into the smallest layer's range, or lands under the
 * full picture's, while packets are being lost: the seconds between are
 * the ones that cost sound. Going up needs a
 * few good samples in a row. A paused video is retried now and then
 * (less and less often while retries fail) by a probe: the camera sends
 * its smallest layer while receiving stays paused, so the probe crosses the
 * link once; it is given up at the first sign of a queue (round trip up
 * twice, packets lost, estimate down) and kept once the estimate has cleared the
 * threshold with some margin twice in a row.
 */

export type VideoStep = 'full' | 'medium' | 'low' | 'probing' | 'paused';

/** One look at the send side of the link, once a second. */
export interface LinkSample {
  /** The send transport's bandwidth estimate, kbit/s; undefined when unknown. */
  kbps: number | undefined;
  rttMs?: number | undefined;
  /** Share of the packets we sent since the last sample that the SFU reported lost. */
  loss?: number | undefined;
}

export interface SendLimit {
  /** Highest simulcast layer sent (0, 1 or 2); ignored when paused. */
  maxLayer: 0 | 1 | 2;
  /** Cap on every layer's bitrate, bits per second; undefined: the layers' own. */
  maxBitrate: number | undefined;
  paused: boolean;
  /** Cap on the microphone's opus bitrate, bits per second; undefined: the browser's own (~32 kbit/s). */
  micMaxBitrate: number | undefined;
}

/** What the sound needs, with headers and some margin: opus at ~32 kbit/s, 50 packets/s, both ways. */
export const AUDIO_RESERVE_KBPS = 100;
export const PAUSE_BELOW_KBPS = 150;
const LOW_BELOW_KBPS = 350;
const MEDIUM_BELOW_KBPS = 800;
/** Opus on a poor link: wideband speech stays clear at these rates, and FEC still fits. */
const MIC_LOW_BPS = 24_000;
const MIC_PAUSED_BPS = 16_000;
/**
 * A sample losing this share of our packets while the estimate falls under
 * the full picture's: the video must stop now, before the estimate has
 * finished falling (it takes a second or two more). Lost packets and a
 * falling estimate together, not the round trip: a starved CPU (a loaded
 * phone, a loaded test machine) stretches round trips on a link that has
 * room, and the SFU's reports then count late packets as lost (measured:
 * 38 % "lost" at call start, the estimate rising) while the browser's own
 * estimate does not fall.
 */
const LOSING = 0.1;
const FALLING = 0.85;
/** An estimate that lost more than this share in one sample, with packets lost, collapsed. */
const COLLAPSE = 0.6;
const COLLAPSE_LOSS = 0.02;
/** During a probe: the share lost, or the round trip's rise over the calm one, that shows a queue. */
const PROBE_LOSS = 0.05;
const PROBE_RTT_RISE_MS = 150;
/** Samples in a row at a better step before going up one. */
const UP_AFTER = 3;
/** Samples paused before the first probe; each failed probe doubles it, up to the cap. */
const RETRY_FIRST = 8;
const RETRY_MAX = 16;
/** How long a probe may take to lift the estimate above the pause threshold. */
const PROBE_SAMPLES = 12;
/**
 * A probe succeeds on an estimate this far above the threshold, two samples
 * in a row without a queue: one high sample can be the browser's own probe
 * burst passing before the queue shows (measured: a second notice 2 s later).
 */
const PROBE_CLEAR_KBPS = PAUSE_BELOW_KBPS * 1.2;
const PROBE_CLEAR_SAMPLES = 2;

interface Probe {
  base: number;
  left: number;
  clear: number;
  slow: number;
}

const ORDER: readonly VideoStep[] = ['paused', 'probing', 'low', 'medium', 'full'];
const rank = (step: VideoStep): number => ORDER.indexOf(step);

export function stepFor(kbps: number): VideoStep {
  if (kbps < PAUSE_BELOW_KBPS) return 'paused';
  if (kbps < LOW_BELOW_KBPS) return 'low';
  if (kbps < MEDIUM_BELOW_KBPS) return 'medium';
  return 'full';
}

export function limitFor(step: VideoStep, kbps: number | undefined): SendLimit {
  const cap =
    kbps === undefined ? undefined : Math.max(150_000, Math.round((kbps - AUDIO_RESERVE_KBPS) * 0.8) * 1000);
  switch (step) {
    case 'full':
      return { maxLayer: 2, maxBitrate: undefined, paused: false, micMaxBitrate: undefined };
    case 'medium':
      return { maxLayer: 1, maxBitrate: cap, paused: false, micMaxBitrate: undefined };
    case 'low':
      // The smallest layer's own cap (150 kbit/s): lower, the estimate could never grow out of it.
      return { maxLayer: 0, maxBitrate: undefined, paused: false, micMaxBitrate: MIC_LOW_BPS };
    case 'probing':
      return { maxLayer: 0, maxBitrate: undefined, paused: false, micMaxBitrate: MIC_PAUSED_BPS };
    case 'paused':
      return { maxLayer: 0, maxBitrate: undefined, paused: true, micMaxBitrate: MIC_PAUSED_BPS };
  }
}

/** Whether video is received at this step: not while paused, nor while our own probe runs. */
export function receivesVideo(step: VideoStep): boolean {
  return step !== 'paused' && step !== 'probing';
}

export class QualityGuard {
  private current: VideoStep = 'full';
  private better = 0;
  private pausedFor = 0;
  private retryAfter = RETRY_FIRST;
  /** The lowest round trip seen while paused: what a probe's round trip is compared with. */
  private calmRttMs: number | undefined;
  /** While a probe runs: the estimate it started from, samples left, clear and slow samples in a row. */
  private probe: Probe | undefined;
  private lastKbps: number | undefined;

  get step(): VideoStep {
    return this.current;
  }

  /** One look at the link; returns the new step when it changes. */
  sample(link: LinkSample): VideoStep | undefined {
    const { kbps } = link;
    if (kbps === undefined) return undefined;
    const last = this.lastKbps;
    this.lastKbps = kbps;
    if (this.probe) return this.probing(link, kbps, this.probe);
    let target = stepFor(kbps);
    const loss = link.loss ?? 0;
    const losing = loss >= LOSING && last !== undefined && kbps < last * FALLING;
    const collapsed = last !== undefined && kbps < last * (1 - COLLAPSE) && loss >= COLLAPSE_LOSS;
    if (target === 'low' && collapsed) target = 'paused';
    if ((target === 'low' || target === 'medium') && losing) target = 'paused';
    if (rank(target) < rank(this.current)) return this.move(target);
    if (this.current === 'paused') {
      // Nothing but sound goes out, so the estimate can't show a better link: probe now and then.
      this.pausedFor += 1;
      if (link.rttMs !== undefined) this.calmRttMs = Math.min(this.calmRttMs ?? Infinity, link.rttMs);
      if (this.pausedFor < this.retryAfter) return undefined;
      this.probe = { base: kbps, left: PROBE_SAMPLES, clear: 0, slow: 0 };
      return this.move('probing');
    }
    if (rank(target) > rank(this.current)) {
      this.better += 1;
      if (this.better >= UP_AFTER) {
        const next = ORDER[rank(this.current) + 1] ?? 'full';
        if (next === 'medium') this.retryAfter = RETRY_FIRST;
        return this.move(next);
      }
    } else {
      this.better = 0;
    }
    return undefined;
  }

  reset(): void {
    this.current = 'full';
    this.better = 0;
    this.pausedFor = 0;
    this.retryAfter = RETRY_FIRST;
    this.calmRttMs = undefined;
    this.probe = undefined;
    this.lastKbps = undefined;
  }

  /** A probe holds while the link shows no queue; it succeeds once the estimate clears the threshold. */
  private probing(link: LinkSample, kbps: number, probe: Probe): VideoStep | undefined {
    probe.left -= 1;
    const rttRose =
      link.rttMs !== undefined &&
      this.calmRttMs !== undefined &&
      link.rttMs > this.calmRttMs + PROBE_RTT_RISE_MS;
    // Twice in a row: one long round trip can be a starved CPU rather than a queue. The same
    // value read twice counts twice: tried counting it once, and probes on the shaped link then
    // ran 3-4 s into a full queue (one run: 6 % concealed, against about 3 % in the runs before).
    probe.slow = rttRose ? probe.slow + 1 : 0;
    const queued = probe.slow >= 2 || (link.loss ?? 0) >= PROBE_LOSS || kbps < probe.base * 0.9;
    probe.clear = !queued && kbps >= PROBE_CLEAR_KBPS ? probe.clear + 1 : 0;
    if (probe.clear >= PROBE_CLEAR_SAMPLES) {
      this.probe = undefined;
      return this.move('low');
    }
    if (queued || probe.left <= 0) {
      this.probe = undefined;
      this.retryAfter = Math.min(RETRY_MAX, this.retryAfter * 2);
      return this.move('paused');
    }
    return undefined;
  }

  private move(step: VideoStep): VideoStep {
    if (step === 'paused' && this.current !== 'probing') this.calmRttMs = undefined;
    this.current = step;
    this.better = 0;
    this.pausedFor = 0;
    return step;
  }
}
