import {
  qualityLevel,
  LOW_BANDWIDTH_KBPS,
  type CallQuality,
  type QualityCounters,
  type QualityLevel,
} from '../quality.js';
import { create, setText } from './dom.js';

const INTERVAL_MS = 2_000;
// Three samples in a row (6 s): one bad moment must not nag.
const LOW_SAMPLES = 3;

/**
 * Polls the call's stats and shows a quality indicator on every tile (bars,
 * with the level in words for screen readers). Proposes audio-only once per
 * call when our own link stays too weak for video.
 */
export class QualityView {
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous = new Map<string, QualityCounters>();
  private lowCount = 0;
  private proposed = false;

  constructor(private readonly onLowBandwidth: () => void) {}

  start(sample: () => Promise<CallQuality>): void {
    this.stop();
    this.timer = setInterval(() => {
      sample().then(
        (quality) => this.update(quality),
        () => undefined,
      );
    }, INTERVAL_MS);
  }

  /** A new call (after a resume, or another join) starts from fresh counters. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.previous = new Map();
    this.lowCount = 0;
  }

  /** Once per page visit in a room: refusing the proposal is a choice. */
  resetProposal(): void {
    this.proposed = false;
  }

  private update({ self, peers }: CallQuality): void {
    for (const [peerId, counters] of peers) {
      const tile = document.querySelector(`[data-peer-id="${CSS.escape(peerId)}"]`);
      this.show(tile, peerId, counters);
    }
    if (!self) return;
    const level = this.show(document.querySelector('.tile.self'), 'self', self);
    const low =
      level === 'poor' || (self.availableKbps !== undefined && self.availableKbps < LOW_BANDWIDTH_KBPS);
    this.lowCount = low ? this.lowCount + 1 : 0;
    if (this.lowCount >= LOW_SAMPLES && !this.proposed) {
      this.proposed = true;
      this.onLowBandwidth();
    }
  }

  private show(tile: Element | null, key: string, counters: QualityCounters): QualityLevel {
    // A remote picture on screen (not paused, not audio-only) must be moving.
    const videoShown =
      key !== 'self' &&
      tile?.getAttribute('data-video') === 'on' &&
      !document.getElementById('view-call')?.classList.contains('audio-only');
    const level = qualityLevel(this.previous.get(key), counters, { videoShown }, INTERVAL_MS / 1000);
    this.previous.set(key, counters);
    const caption = tile?.querySelector('figcaption');
    if (!caption) return level;
    let badge = caption.querySelector<HTMLElement>('.quality');
    if (!badge) {
      badge = create('span', { className: 'quality' });
      const bars = create('span', { className: 'bars', attrs: { 'aria-hidden': 'true' } });
      bars.append(create('i'), create('i'), create('i'));
      badge.append(bars, create('span', { className: 'visually-hidden' }));
      caption.append(badge);
    }
    if (badge.dataset['level'] !== level) {
      badge.dataset['level'] = level;
      const text = badge.querySelector<HTMLElement>('.visually-hidden');
      if (text) setText(text, `quality.${level}`);
    }
    return level;
  }
}
