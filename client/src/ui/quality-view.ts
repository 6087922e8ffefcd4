import type { LinkSample } from '../quality-guard.js';
import {
  qualityLevel,
  sentLossShare,
  type CallQuality,
  type QualityCounters,
  type QualityLevel,
} from '../quality.js';
import { create, setText } from './dom.js';

const INTERVAL_MS = 1_000;

/**
 * Polls the call's stats and shows a quality indicator on every tile (bars,
 * with the level in words for screen readers), and hands our own link's
 * estimate, round trip and loss on, for audio first (quality-guard.ts).
 */
export class QualityView {
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous = new Map<string, QualityCounters>();

  constructor(private readonly onLink: (link: LinkSample) => void) {}

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
  }

  private update({ self, peers }: CallQuality): void {
    for (const [peerId, counters] of peers) {
      const tile = document.querySelector(`[data-peer-id="${CSS.escape(peerId)}"]`);
      this.show(tile, peerId, counters);
    }
    if (!self) return;
    const loss = sentLossShare(this.previous.get('self'), self);
    this.show(document.querySelector('.tile.self'), 'self', self);
    this.onLink({ kbps: self.availableKbps, rttMs: self.rttMs, loss });
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
