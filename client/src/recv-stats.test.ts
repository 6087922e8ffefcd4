import { describe, expect, it } from 'vitest';
import { summarizeRecvStats } from './recv-stats.js';

const report = (entries: Record<string, unknown>[]): { forEach(cb: (v: unknown) => void): void } =>
  new Map(entries.map((entry, i) => [String(Reflect.get(entry, 'id') ?? i), entry]));

describe('summarizeRecvStats', () => {
  it('sums inbound RTP per kind and finds the selected pair through the transport', () => {
    const summary = summarizeRecvStats(
      report([
        {
          id: 'v1',
          type: 'inbound-rtp',
          kind: 'video',
          framesDecoded: 10,
          frameWidth: 640,
          frameHeight: 360,
        },
        {
          id: 'v2',
          type: 'inbound-rtp',
          kind: 'video',
          framesDecoded: 5,
          frameWidth: 1920,
          frameHeight: 1080,
        },
        {
          id: 'a1',
          type: 'inbound-rtp',
          kind: 'audio',
          packetsReceived: 50,
          totalSamplesReceived: 48000,
          concealedSamples: 960,
        },
        { id: 't', type: 'transport', selectedCandidatePairId: 'p2' },
        { id: 'p1', type: 'candidate-pair', remoteCandidateId: 'r1', state: 'failed' },
        { id: 'p2', type: 'candidate-pair', remoteCandidateId: 'r2', state: 'succeeded' },
        { id: 'r1', type: 'remote-candidate', address: '10.0.0.1' },
        { id: 'r2', type: 'remote-candidate', address: '127.0.0.1' },
        { id: 'junk', type: 42 },
      ]),
    );
    expect(summary).toEqual({
      framesDecoded: 15,
      audioPacketsReceived: 50,
      audioSamplesReceived: 48000,
      audioConcealedSamples: 960,
      frameWidth: 1920,
      frameHeight: 1080,
      candidateRemoteAddress: '127.0.0.1',
    });
  });

  it('falls back to the nominated pair, and to `ip`, for other browsers', () => {
    const summary = summarizeRecvStats(
      report([
        { id: 'p', type: 'candidate-pair', nominated: true, state: 'succeeded', remoteCandidateId: 'r' },
        { id: 'r', type: 'remote-candidate', ip: '127.0.0.1' },
      ]),
    );
    expect(summary.candidateRemoteAddress).toBe('127.0.0.1');
    expect(summary.framesDecoded).toBe(0);
  });

  it('is all zeros with no address before anything flows', () => {
    expect(summarizeRecvStats(report([]))).toEqual({
      framesDecoded: 0,
      audioPacketsReceived: 0,
      audioSamplesReceived: 0,
      audioConcealedSamples: 0,
      frameWidth: 0,
      frameHeight: 0,
    });
  });
});
