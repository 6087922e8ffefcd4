import { describe, expect, it } from 'vitest';
import { QualityGuard, limitFor, receivesVideo, stepFor, type LinkSample } from './quality-guard.js';

const at = (kbps: number | undefined, rttMs = 20, loss = 0): LinkSample => ({ kbps, rttMs, loss });

/** Feeds the same sample n times; every answer must be "no change". */
function hold(guard: QualityGuard, n: number, link: LinkSample): void {
  for (let i = 0; i < n; i += 1) expect(guard.sample(link)).toBeUndefined();
}

describe('audio first on a poor link', () => {
  it('maps the estimate to a step, caps video under it, and the mic on a poor link', () => {
    expect(stepFor(2000)).toBe('full');
    expect(stepFor(600)).toBe('medium');
    expect(stepFor(300)).toBe('low');
    expect(stepFor(120)).toBe('paused');
    expect(limitFor('medium', 600)).toEqual({
      maxLayer: 1,
      maxBitrate: 400_000,
      paused: false,
      micMaxBitrate: undefined,
    });
    expect(limitFor('medium', 200).maxBitrate).toBe(150_000);
    expect(limitFor('full', 3000)).toMatchObject({ maxBitrate: undefined, micMaxBitrate: undefined });
    expect(limitFor('paused', 100)).toMatchObject({ paused: true, micMaxBitrate: 16_000 });
    expect(limitFor('probing', 100)).toMatchObject({ paused: false, maxLayer: 0, micMaxBitrate: 16_000 });
    expect(limitFor('low', 300).micMaxBitrate).toBe(24_000);
    expect(receivesVideo('probing')).toBe(false);
    expect(receivesVideo('paused')).toBe(false);
    expect(receivesVideo('low')).toBe(true);
  });

  it('goes down at once, and up one step after three good samples', () => {
    const guard = new QualityGuard();
    expect(guard.sample(at(2000))).toBeUndefined();
    expect(guard.sample(at(600))).toBe('medium');
    expect(guard.sample(at(300))).toBe('low');
    hold(guard, 2, at(2000));
    expect(guard.sample(at(2000))).toBe('medium');
    hold(guard, 2, at(2000));
    expect(guard.sample(at(2000))).toBe('full');
    expect(guard.sample(at(undefined))).toBeUndefined();
  });

  it('pauses at once when packets are lost or queued while the estimate is still falling', () => {
    const losing = new QualityGuard();
    expect(losing.sample(at(500))).toBe('medium');
    expect(losing.sample(at(300, 20, 0.3))).toBe('paused');
    const medium = new QualityGuard();
    expect(medium.sample(at(1000))).toBeUndefined();
    expect(medium.sample(at(600, 20, 0.15))).toBe('paused');
    // Reported loss while the browser's own estimate holds or climbs: late packets, not a full link.
    const late = new QualityGuard();
    expect(late.sample(at(540))).toBe('medium');
    expect(late.sample(at(550, 20, 0.38))).toBeUndefined();
    // A long round trip alone is a far link or a starved CPU, not a congested one.
    const far = new QualityGuard();
    expect(far.sample(at(600, 540, 0))).toBe('medium');
    // A few lost packets on a link with room keep the video.
    const lossy = new QualityGuard();
    expect(lossy.sample(at(300, 20, 0.03))).toBe('low');
    // An estimate that collapses in one second is congestion: no stop at the smallest layer.
    const collapsing = new QualityGuard();
    expect(collapsing.sample(at(1200))).toBeUndefined();
    expect(collapsing.sample(at(250, 20, 0.04))).toBe('paused');
    // Without lost packets it is the estimate finding its level (a loaded machine's starts do that).
    const settling = new QualityGuard();
    expect(settling.sample(at(1200))).toBeUndefined();
    expect(settling.sample(at(250))).toBe('low');
    // One that slides keeps the smallest layer.
    const sliding = new QualityGuard();
    expect(sliding.sample(at(500))).toBe('medium');
    expect(sliding.sample(at(300))).toBe('low');
  });

  it('probes a paused video, gives the probe up at the first sign of a queue, and probes less often', () => {
    const guard = new QualityGuard();
    expect(guard.sample(at(100))).toBe('paused');
    hold(guard, 7, at(60, 5));
    expect(guard.sample(at(60, 5))).toBe('probing');
    expect(guard.step).toBe('probing');
    // The round trip climbs well over the calm one twice: a queue builds, the probe stops.
    expect(guard.sample(at(65, 300))).toBeUndefined();
    expect(guard.sample(at(65, 320))).toBe('paused');
    hold(guard, 15, at(60, 5));
    expect(guard.sample(at(60, 5))).toBe('probing');
    // Lost packets during the probe stop it too.
    expect(guard.sample(at(62, 5, 0.08))).toBe('paused');
    // The wait is capped: a link that recovers gets its video back within a bounded time.
    hold(guard, 15, at(60, 5));
    expect(guard.sample(at(60, 5))).toBe('probing');
  });

  it('keeps a probe while the estimate climbs, and brings video back once it clears the threshold', () => {
    const guard = new QualityGuard();
    expect(guard.sample(at(100))).toBe('paused');
    hold(guard, 7, at(70, 5));
    expect(guard.sample(at(70, 5))).toBe('probing');
    for (const kbps of [80, 95, 110, 125, 140, 160]) expect(guard.sample(at(kbps, 8))).toBeUndefined();
    // Twice in a row clear of the threshold with some margin: the link has room.
    expect(guard.sample(at(185, 8))).toBeUndefined();
    expect(guard.sample(at(190, 8))).toBe('low');
    hold(guard, 2, at(500));
    expect(guard.sample(at(500))).toBe('medium');
  });

  it('gives a probe up when the estimate does not clear the threshold in time', () => {
    const guard = new QualityGuard();
    expect(guard.sample(at(100))).toBe('paused');
    hold(guard, 7, at(70, 5));
    expect(guard.sample(at(70, 5))).toBe('probing');
    hold(guard, 11, at(75, 5));
    expect(guard.sample(at(75, 5))).toBe('paused');
  });

  it('does not trust one high estimate during a probe: the queue may show a second later', () => {
    const guard = new QualityGuard();
    expect(guard.sample(at(100))).toBe('paused');
    hold(guard, 7, at(70, 5));
    expect(guard.sample(at(70, 5))).toBe('probing');
    expect(guard.sample(at(200, 5))).toBeUndefined();
    expect(guard.sample(at(190, 400, 0.06))).toBe('paused');
  });
});
