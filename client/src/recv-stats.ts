// Namespace import: the only form esbuild can tree-shake (see scripts/build-client.mjs).
import * as z from 'zod';

/** What the receive side of a call has actually decoded and played. */
export interface RecvStats {
  framesDecoded: number;
  audioPacketsReceived: number;
  audioSamplesReceived: number;
  /** Samples the decoder had to invent (lost or late packets): the audio a listener missed. */
  audioConcealedSamples: number;
  /** The largest video picture being received (document mode is measured by it). */
  frameWidth: number;
  frameHeight: number;
  candidateRemoteAddress?: string;
}

export const NO_RECV_STATS: RecvStats = {
  framesDecoded: 0,
  audioPacketsReceived: 0,
  audioSamplesReceived: 0,
  audioConcealedSamples: 0,
  frameWidth: 0,
  frameHeight: 0,
};

// The DOM typings give stats entries as `any`; read only what we need, checked.
const StatSchema = z.object({
  id: z.string(),
  type: z.string(),
  kind: z.string().optional(),
  framesDecoded: z.number().optional(),
  packetsReceived: z.number().optional(),
  totalSamplesReceived: z.number().optional(),
  concealedSamples: z.number().optional(),
  frameWidth: z.number().optional(),
  frameHeight: z.number().optional(),
  selectedCandidatePairId: z.string().optional(),
  state: z.string().optional(),
  nominated: z.boolean().optional(),
  remoteCandidateId: z.string().optional(),
  address: z.string().optional(),
  ip: z.string().optional(),
});
type Stat = z.infer<typeof StatSchema>;

/** An RTCStatsReport, as far as this file reads it. */
export interface StatsReportLike {
  forEach(callback: (value: unknown) => void): void;
}

/** Sums inbound RTP over all consumers and finds the path ICE selected. */
export function summarizeRecvStats(report: StatsReportLike): RecvStats {
  const stats = new Map<string, Stat>();
  report.forEach((value: unknown) => {
    const parsed = StatSchema.safeParse(value);
    if (parsed.success) stats.set(parsed.data.id, parsed.data);
  });
  const summary: RecvStats = { ...NO_RECV_STATS };
  let selectedPairId: string | undefined;
  for (const stat of stats.values()) {
    if (stat.type === 'inbound-rtp' && stat.kind === 'video') {
      summary.framesDecoded += stat.framesDecoded ?? 0;
      if ((stat.frameWidth ?? 0) > summary.frameWidth) {
        summary.frameWidth = stat.frameWidth ?? 0;
        summary.frameHeight = stat.frameHeight ?? 0;
      }
    } else if (stat.type === 'inbound-rtp' && stat.kind === 'audio') {
      summary.audioPacketsReceived += stat.packetsReceived ?? 0;
      summary.audioSamplesReceived += stat.totalSamplesReceived ?? 0;
      summary.audioConcealedSamples += stat.concealedSamples ?? 0;
    } else if (stat.type === 'transport' && stat.selectedCandidatePairId) {
      selectedPairId = stat.selectedCandidatePairId;
    }
  }
  // Chromium names the pair on the transport entry; others flag it as nominated.
  const pair =
    (selectedPairId ? stats.get(selectedPairId) : undefined) ??
    [...stats.values()].find(
      (s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded',
    );
  const remote = pair?.remoteCandidateId ? stats.get(pair.remoteCandidateId) : undefined;
  const address = remote?.address ?? remote?.ip;
  if (address !== undefined) summary.candidateRemoteAddress = address;
  return summary;
}
