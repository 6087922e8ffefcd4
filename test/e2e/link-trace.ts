import type { Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/*
 * Where a shaped link loses the sound (issue 16, audio first): a per-second
 * trace of every RTCPeerConnection of a page (the app's are private to
 * mediasoup-client, so an init script keeps a reference to each), next to
 * the bottleneck's own drop counter (tc -s). Lost packets with a queue that
 * dropped them point at the link; concealment without loss points at late
 * packets or a starved CPU (the jitter buffer stretching sound it got late).
 */

/** Run before the page loads: keeps every peer connection the page creates. */
export async function tracePeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: RTCPeerConnection[] = [];
    Reflect.set(window, '__tracedPcs', seen);
    const Original = window.RTCPeerConnection;
    class Traced extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        seen.push(this);
      }
    }
    window.RTCPeerConnection = Traced;
  });
}

/** Cumulative counters of one page at one moment, summed over its connections. */
const LinkCountersSchema = z.object({
  audioInPackets: z.number(),
  audioInLost: z.number(),
  audioInSamples: z.number(),
  audioConcealed: z.number(),
  audioConcealmentEvents: z.number(),
  audioStretched: z.number(),
  audioBytesOut: z.number(),
  videoBytesIn: z.number(),
  videoBytesOut: z.number(),
  videoRtxBytesOut: z.number(),
  videoNacksIn: z.number(),
  availableKbps: z.number().optional(),
  rttMs: z.number().optional(),
  remoteAudioLost: z.number(),
});
export type LinkCounters = z.infer<typeof LinkCountersSchema>;

export async function linkCounters(page: Page): Promise<LinkCounters> {
  const raw: unknown = await page.evaluate(async () => {
    const pcs = (Reflect.get(window, '__tracedPcs') as RTCPeerConnection[] | undefined) ?? [];
    const c = {
      audioInPackets: 0,
      audioInLost: 0,
      audioInSamples: 0,
      audioConcealed: 0,
      audioConcealmentEvents: 0,
      audioStretched: 0,
      audioBytesOut: 0,
      videoBytesIn: 0,
      videoBytesOut: 0,
      videoRtxBytesOut: 0,
      videoNacksIn: 0,
      availableKbps: undefined as number | undefined,
      rttMs: undefined as number | undefined,
      remoteAudioLost: 0,
    };
    const num = (s: Record<string, unknown>, key: string): number => {
      const v = s[key];
      return typeof v === 'number' ? v : 0;
    };
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      // The estimate and round trip that matter are the sending connection's (the receiving one keeps its start value).
      let sends = false;
      report.forEach((value: unknown) => {
        if ((value as Record<string, unknown>)['type'] === 'outbound-rtp') sends = true;
      });
      report.forEach((value: unknown) => {
        const s = value as Record<string, unknown>;
        const kind = s['kind'];
        switch (s['type']) {
          case 'inbound-rtp':
            if (kind === 'audio') {
              c.audioInPackets += num(s, 'packetsReceived');
              c.audioInLost += num(s, 'packetsLost');
              c.audioInSamples += num(s, 'totalSamplesReceived');
              c.audioConcealed += num(s, 'concealedSamples');
              c.audioConcealmentEvents += num(s, 'concealmentEvents');
              c.audioStretched +=
                num(s, 'insertedSamplesForDeceleration') + num(s, 'removedSamplesForAcceleration');
            } else if (kind === 'video') c.videoBytesIn += num(s, 'bytesReceived');
            break;
          case 'outbound-rtp':
            if (kind === 'audio') c.audioBytesOut += num(s, 'bytesSent');
            else if (kind === 'video') {
              c.videoBytesOut += num(s, 'bytesSent');
              c.videoRtxBytesOut += num(s, 'retransmittedBytesSent');
              c.videoNacksIn += num(s, 'nackCount');
            }
            break;
          case 'remote-inbound-rtp':
            if (kind === 'audio') c.remoteAudioLost += num(s, 'packetsLost');
            break;
          case 'candidate-pair':
            if (sends && s['state'] === 'succeeded' && s['nominated'] === true) {
              const kbps = s['availableOutgoingBitrate'];
              if (typeof kbps === 'number') c.availableKbps = kbps / 1000;
              const rtt = s['currentRoundTripTime'];
              if (typeof rtt === 'number') c.rttMs = Math.max(c.rttMs ?? 0, rtt * 1000);
            }
            break;
        }
      });
    }
    return c;
  });
  return LinkCountersSchema.parse(raw);
}

/** Bytes the loopback's root qdisc sent and packets it dropped so far (zeros when it has none). */
export function qdiscCounters(): { bytes: number; drops: number } {
  const out = execFileSync('tc', ['-s', 'qdisc', 'show', 'dev', 'lo'], { encoding: 'utf8' });
  return {
    bytes: Number(/Sent (\d+) bytes/.exec(out)?.[1] ?? 0),
    drops: Number(/dropped (\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** The machine's 1-minute load average, from /proc (honest figures need it next to them). */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

export interface TraceRow {
  t: number;
  step: string;
  pages: LinkCounters[];
  /** The bottleneck's own counters (tc -s). */
  qdisc: { bytes: number; drops: number };
}

const kbit = (bytes: number, seconds: number): string => ((bytes * 8) / 1000 / seconds).toFixed(0);

/** One line per second and page: what went out, came in, was lost, concealed, and the estimate. */
export function formatTrace(rows: readonly TraceRow[], names: readonly string[]): string {
  const lines = [
    't(s) step  link kbit/s drops | page: est kbps rtt ms | out a/v/rtx kbit/s | in v kbit/s | audio in pkts lost concealed% events stretched',
  ];
  for (let i = 1; i < rows.length; i += 1) {
    const prev = rows[i - 1];
    const row = rows[i];
    if (!prev || !row) continue;
    const dt = Math.max(0.001, row.t - prev.t);
    const parts = row.pages.map((p, j) => {
      const q = prev.pages[j];
      if (!q) return '';
      const samples = p.audioInSamples - q.audioInSamples;
      const concealed = samples > 0 ? (100 * (p.audioConcealed - q.audioConcealed)) / samples : 0;
      return (
        `${names[j] ?? j}: ${p.availableKbps?.toFixed(0) ?? '-'} ${p.rttMs?.toFixed(0) ?? '-'} | ` +
        `${kbit(p.audioBytesOut - q.audioBytesOut, dt)}/${kbit(p.videoBytesOut - q.videoBytesOut, dt)}/` +
        `${kbit(p.videoRtxBytesOut - q.videoRtxBytesOut, dt)} | ${kbit(p.videoBytesIn - q.videoBytesIn, dt)} | ` +
        `${p.audioInPackets - q.audioInPackets} ${p.audioInLost - q.audioInLost} ${concealed.toFixed(1)} ` +
        `${p.audioConcealmentEvents - q.audioConcealmentEvents} ${p.audioStretched - q.audioStretched}`
      );
    });
    const link = kbit(row.qdisc.bytes - prev.qdisc.bytes, dt);
    lines.push(
      `${row.t.toFixed(1)} ${row.step} ${link} ${row.qdisc.drops - prev.qdisc.drops} | ${parts.join(' || ')}`,
    );
  }
  return lines.join('\n');
}
