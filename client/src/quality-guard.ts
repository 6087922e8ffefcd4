/*
 * Audio first on a poor link (issue 16): from the send-side bandwidth
 * estimate, how much camera this client may send. Pure, so the thresholds
 * are unit-tested; ui/call-extras.ts applies each decision to the call.
 *
 * The ladder: all three simulcast layers; at most the middle one; only the
 * smallest; video paused in both directions (below ~150 kbit/s, where even
 * the smallest layer would starve the sound). Every step caps the video
 * bitrate under the estimate, leaving room for audio. Going down is
 * immediate (one sample); going up needs a few good samples in a row. A
 * paused video is retried now and then at the smallest layer, because the
 * estimate can't grow while nothing but audio is sent.
 */

export type VideoStep = 'full' | 'medium' | 'low' | 'paused';

export interface CameraLimit {
  /** Highest simulcast layer sent (0, 1 or 2); ignored when paused. */
  maxLayer: 0 | 1 | 2;
  /** Cap on every layer's bitrate, bits per second; undefined: the layers' own. */
  maxBitrate: number | undefined;
  paused: boolean;
}

/** What the sound needs, with headers and some margin: opus at ~32 kbit/s, 50 packets/s, both ways. */
export const AUDIO_RESERVE_KBPS = 100;
export const PAUSE_BELOW_KBPS = 150;
const LOW_BELOW_KBPS = 350;
const MEDIUM_BELOW_KBPS = 800;
/** Samples in a row at a better step before going up one. */
const UP_AFTER = 3;
/** Samples paused before the first retry; each failed retry doubles it, up to the cap. */
const RETRY_FIRST = 8;
const RETRY_MAX = 32;
/** An estimate this close to the threshold while paused is worth a retry at once. */
const RETRY_NOW_SHARE = 0.75;
/** How long a retry may take to lift the estimate above the pause threshold. */
const PROBE_SAMPLES = 8;

const ORDER: readonly VideoStep[] = ['paused', 'low', 'medium', 'full'];

export function stepFor(kbps: number): VideoStep {
  if (kbps < PAUSE_BELOW_KBPS) return 'paused';
  if (kbps < LOW_BELOW_KBPS) return 'low';
  if (kbps < MEDIUM_BELOW_KBPS) return 'medium';
  return 'full';
}

export function limitFor(step: VideoStep, kbps: number | undefined): CameraLimit {
  const cap =
    kbps === undefined ? undefined : Math.max(150_000, Math.round((kbps - AUDIO_RESERVE_KBPS) * 0.8) * 1000);
  switch (step) {
    case 'full':
      return { maxLayer: 2, maxBitrate: undefined, paused: false };
    case 'medium':
      return { maxLayer: 1, maxBitrate: cap, paused: false };
    case 'low':
      // The smallest layer's own cap (150 kbit/s): lower, the estimate could never grow out of it.
      return { maxLayer: 0, maxBitrate: undefined, paused: false };
    case 'paused':
      return { maxLayer: 0, maxBitrate: undefined, paused: true };
  }
}

export class QualityGuard {
  private current: VideoStep = 'full';
  private better = 0;
  private pausedFor = 0;
  private retryAfter = RETRY_FIRST;
  /** While a retry runs: the estimate it started from, and samples left. */
  private probe: { base: number; left: number } | undefined;

  get step(): VideoStep {
    return this.current;
  }

  /** One estimate (kbit/s, undefined when unknown); returns the new step when it changes. */
  sample(kbps: number | undefined): VideoStep | undefined {
    if (kbps === undefined) return undefined;
    if (this.probe) return this.probing(kbps, this.probe);
    const target = stepFor(kbps);
    const rank = (step: VideoStep): number => ORDER.indexOf(step);
    if (rank(target) < rank(this.current)) return this.move(target);
    if (this.current === 'paused') {
      // Nothing but sound goes out, so the estimate can't show a better link: try again now and then.
      this.pausedFor += 1;
      // Sound alone rarely lifts the estimate near the threshold: when it does, the link has room now.
      const roomNow = kbps >= PAUSE_BELOW_KBPS * RETRY_NOW_SHARE;
      if (this.pausedFor < this.retryAfter && !roomNow) return undefined;
      this.probe = { base: kbps, left: PROBE_SAMPLES };
      return this.move('low');
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
    this.probe = undefined;
  }

  /** A retry holds while the estimate does not fall; it succeeds once it clears the pause threshold. */
  private probing(kbps: number, probe: { base: number; left: number }): VideoStep | undefined {
    probe.left -= 1;
    if (kbps >= PAUSE_BELOW_KBPS) {
      this.probe = undefined;
      return undefined;
    }
    if (kbps < probe.base * 0.9 || probe.left <= 0) {
      this.probe = undefined;
      this.retryAfter = Math.min(RETRY_MAX, this.retryAfter * 2);
      return this.move('paused');
    }
    return undefined;
  }

  private move(step: VideoStep): VideoStep {
    this.current = step;
    this.better = 0;
    this.pausedFor = 0;
    return step;
  }
}
