import { describe, expect, it } from 'vitest';
import { qualityLevel, readQualityCounters, sentLossShare } from './quality.js';

const report = (...stats: object[]) => ({ forEach: (f: (v: unknown) => void) => stats.forEach(f) });

describe('connection quality', () => {
  it('reads loss, round trip and bandwidth from getStats', () => {
    const counters = readQualityCounters([
      report(
        { type: 'inbound-rtp', packetsLost: 5, packetsReceived: 95 },
        { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.05 },
      ),
    ]);
    expect(counters).toEqual({ lost: 5, total: 100, rttMs: 50 });
  });

  it('grades the interval between two snapshots', () => {
    const start = { lost: 0, total: 0 };
    expect(qualityLevel(start, { lost: 0, total: 200, rttMs: 40 })).toBe('good');
    expect(qualityLevel(start, { lost: 8, total: 200, rttMs: 40 })).toBe('fair');
    expect(qualityLevel(start, { lost: 30, total: 200 })).toBe('poor');
    expect(qualityLevel(start, { lost: 0, total: 200, availableKbps: 80 })).toBe('poor');
    expect(qualityLevel(undefined, { lost: 0, total: 0 })).toBe('unknown');
  });

  it('calls a frozen picture poor, however clean the packets', () => {
    const before = { lost: 0, total: 100, rttMs: 40, framesDecoded: 500 };
    const shown = { videoShown: true };
    expect(qualityLevel(before, { lost: 0, total: 300, rttMs: 40, framesDecoded: 501 }, shown, 2)).toBe(
      'poor',
    );
    expect(qualityLevel(before, { lost: 0, total: 300, rttMs: 40, framesDecoded: 540 }, shown, 2)).toBe(
      'good',
    );
    // Paused or audio-only: no frames is no problem.
    expect(qualityLevel(before, { lost: 0, total: 300, rttMs: 40, framesDecoded: 500 })).toBe('good');
    expect(
      readQualityCounters([
        report({ type: 'inbound-rtp', kind: 'video', framesDecoded: 7, packetsReceived: 10 }),
      ]),
    ).toMatchObject({ framesDecoded: 7 });
  });

  it('gives the share of our sent packets reported lost between two samples', () => {
    const sent = readQualityCounters([
      report({ type: 'outbound-rtp', packetsSent: 100 }, { type: 'remote-inbound-rtp', packetsLost: 2 }),
    ]);
    const later = readQualityCounters([
      report({ type: 'outbound-rtp', packetsSent: 150 }, { type: 'remote-inbound-rtp', packetsLost: 7 }),
    ]);
    expect(sentLossShare(sent, later)).toBeCloseTo(0.1);
    expect(sentLossShare(undefined, later)).toBeUndefined();
    // Too few packets between the two for a share to mean anything.
    expect(sentLossShare(sent, { ...sent, total: sent.total + 5 })).toBeUndefined();
  });
});
