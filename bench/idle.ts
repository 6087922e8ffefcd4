import { SignalingClient } from '../test/helpers/signaling-client.js';
import type { BenchServer } from './lib/server-process.js';
import { sleep } from './lib/proc.js';

/*
 * Idle participants: socket.io connections (websocket, the protocol's
 * default heartbeat: ping every 25 s) joined two by two into rooms, no
 * media. Memory is the server's RSS (Node + mediasoup worker: every room
 * holds a router) after minus before, divided by N.
 */

export interface IdleResult {
  target: number;
  joined: number;
  stillConnected: number;
  heldMs: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerParticipant: number;
  firstError: string | null;
}

export async function idleLoad(
  server: BenchServer,
  target: number,
  holdMs: number,
  deadline: number,
): Promise<IdleResult> {
  const rssBeforeBytes = server.rss();
  const clients: SignalingClient[] = [];
  let firstError: string | null = null;
  const BATCH = 100;
  for (let i = 0; i < target && Date.now() < deadline; i += BATCH) {
    const rooms = await Promise.all(Array.from({ length: BATCH / 2 }, () => server.createRoom()));
    await Promise.all(
      Array.from({ length: Math.min(BATCH, target - i) }, async (_, j) => {
        const room = rooms[Math.floor(j / 2)]!;
        try {
          const c = await SignalingClient.connect(server.url);
          clients.push(c);
          await c.request('join', { roomId: room.roomId, displayName: 'Idle', password: room.password });
        } catch (error) {
          firstError ??= String(error).slice(0, 200);
        }
      }),
    );
  }
  const joined = clients.length;
  const t0 = Date.now();
  await sleep(Math.max(0, Math.min(holdMs, deadline - Date.now())));
  const rssAfterBytes = server.rss();
  const stillConnected = clients.filter((c) => c.socket.connected).length;
  for (const c of clients) c.close();
  return {
    target,
    joined,
    stillConnected,
    heldMs: Date.now() - t0,
    rssBeforeBytes,
    rssAfterBytes,
    bytesPerParticipant: (rssAfterBytes - rssBeforeBytes) / Math.max(1, joined),
    firstError,
  };
}
