import type { Page } from 'playwright-core';
import { z } from 'zod';

/*
 * Which network path a page's WebRTC connections took: an init script
 * records every RTCPeerConnection the app makes, and the selected candidate
 * pair of each connected one is read from getStats().
 */

declare global {
  interface Window {
    /** Set by recordPeerConnections: every RTCPeerConnection the page made. */
    __icePath?: { pcs: RTCPeerConnection[] };
  }
}

/** For `context.addInitScript`: runs before the app, and keeps each RTCPeerConnection it creates. */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const seen: { pcs: RTCPeerConnection[] } = { pcs: [] };
  window.__icePath = seen;
  class Recorded extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      seen.pcs.push(this);
    }
  }
  window.RTCPeerConnection = Recorded;
}

const StatSchema = z.object({
  id: z.string(),
  type: z.string(),
  selectedCandidatePairId: z.string().optional(),
  localCandidateId: z.string().optional(),
  candidateType: z.string().optional(),
  relayProtocol: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});
export type CandidateStat = z.infer<typeof StatSchema>;

export interface ConnectionPath {
  /** The ICE transport policy the app configured ('relay' with `?relay=1`). */
  policy: string;
  /** The local candidate of the selected pair. */
  local: CandidateStat;
}

/** For each connected RTCPeerConnection of the page: its ICE policy and the selected pair's local candidate. */
export async function connectedPaths(page: Page): Promise<ConnectionPath[]> {
  const reports: unknown = await page.evaluate(async () => {
    const all: { policy: string; stats: unknown[] }[] = [];
    for (const pc of window.__icePath?.pcs ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const stats: unknown[] = [];
      (await pc.getStats()).forEach((entry: unknown) => stats.push(entry));
      all.push({ policy: pc.getConfiguration().iceTransportPolicy ?? 'all', stats });
    }
    return all;
  });
  return z
    .array(z.object({ policy: z.string(), stats: z.array(z.unknown()) }))
    .parse(reports)
    .map(({ policy, stats: entries }) => {
      const stats = new Map<string, CandidateStat>();
      for (const entry of entries) {
        const parsed = StatSchema.safeParse(entry);
        if (parsed.success) stats.set(parsed.data.id, parsed.data);
      }
      const transport = [...stats.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = stats.get(transport?.selectedCandidatePairId ?? '');
      const local = stats.get(pair?.localCandidateId ?? '');
      if (!local) throw new Error('a connected RTCPeerConnection has no selected candidate pair');
      return { policy, local };
    });
}
