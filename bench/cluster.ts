import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinFollowing } from '../test/helpers/cluster-nodes.js';
import type { SignalingClient } from '../test/helpers/signaling-client.js';
import { BenchServer } from './lib/server-process.js';
import { cpuWindow, percentile, sleep } from './lib/proc.js';
import { connectAndProduceAudio } from './lib/bench-media.js';

/*
 * Two nodes against one, same machine, same Redis: waves of simultaneous
 * joins (two per room, as the browser does: connect, join with both
 * transports, connectTransport with a dummy DTLS fingerprint, produce),
 * entering through the nodes in turn and following ROOM_ELSEWHERE.
 * One node is pinned to core 1; two nodes to cores 0 and 1. The load
 * generator (this process) is not pinned: on a 2-core machine it shares the
 * cores with the nodes, which is the limit of this measurement.
 *
 *   unshare -n sh -c 'ip link set lo up && npx tsx bench/cluster.ts'
 *
 * Prints one JSON line with the figures.
 */

const WAVE = Number(process.env['BENCH_CLUSTER_WAVE'] ?? 200);
const WAVES = Number(process.env['BENCH_CLUSTER_WAVES'] ?? 4);
const REDIS_PORT = 16379;
async function startRedis(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  await sleep(300);
  return () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
}

async function oneJoin(
  entry: string,
  roomId: string,
  password: string,
  clients: SignalingClient[],
): Promise<number> {
  const t0 = performance.now();
  const { client, result } = await joinFollowing(entry, {
    roomId,
    displayName: 'Bench',
    password,
    transports: ['recv', 'send'],
  });
  clients.push(client);
  const send = result.transports?.send;
  if (!send) throw new Error('join answered without a send transport');
  await connectAndProduceAudio(client, send, 'bench');
  return performance.now() - t0;
}

interface WaveResult {
  ok: number;
  failed: number;
  joinsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of every node process and its worker during the wave, in cores. */
  nodesCpu: number;
  firstError: string | null;
}

async function wave(nodes: BenchServer[]): Promise<WaveResult> {
  const rooms = await Promise.all(Array.from({ length: WAVE / 2 }, () => nodes[0]!.createRoom()));
  const clients: SignalingClient[] = [];
  const windows = nodes.flatMap((n) => [n.pid, ...n.workerPids]).map((pid) => cpuWindow(pid));
  const t0 = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: WAVE }, (_, i) => {
      const room = rooms[Math.floor(i / 2)]!;
      // BENCH_CLUSTER_ENTRY=room: both people of a room enter through the same node (no redirect);
      // by default they enter through different nodes, so one of the two is redirected.
      const entry = process.env['BENCH_CLUSTER_ENTRY'] === 'room' ? Math.floor(i / 2) : i;
      return oneJoin(nodes[entry % nodes.length]!.url, room.roomId, room.password, clients);
    }),
  );
  const wallMs = performance.now() - t0;
  const nodesCpu = windows.reduce((sum, w) => sum + w.stop().share, 0);
  for (const client of clients) client.close();
  await sleep(1500);
  const times = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r) => r.status === 'rejected');
  return {
    ok: times.length,
    failed: WAVE - times.length,
    joinsPerSec: (times.length * 1000) / wallMs,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    nodesCpu,
    firstError: failure && failure.status === 'rejected' ? String(failure.reason).slice(0, 200) : null,
  };
}

async function run(count: 1 | 2, redisUrl: string): Promise<WaveResult[]> {
  const prefix = `bench-${count}-${Date.now()}:`;
  const cores = count === 1 ? ['1'] : ['0', '1'];
  const nodes = await Promise.all(
    cores.map((core, i) =>
      BenchServer.start(core, {
        BENCH_PORT: String(18180 + i),
        BENCH_MEDIA_PORT_BASE: String(40100 + i * 10),
        BENCH_REDIS_URL: redisUrl,
        BENCH_REDIS_PREFIX: prefix,
        BENCH_NODE_ID: `node-${i}`,
      }),
    ),
  );
  try {
    const results: WaveResult[] = [];
    for (let i = 0; i < WAVES; i += 1) results.push(await wave(nodes));
    return results;
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

const stopRedis = await startRedis();
try {
  const redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;
  const one = await run(1, redisUrl);
  const two = await run(2, redisUrl);
  // The first wave meets cold processes: the figure is the median of the others.
  const median = (results: WaveResult[]): number =>
    percentile(
      results.slice(1).map((r) => r.joinsPerSec),
      50,
    );
  console.log(
    JSON.stringify({
      date: new Date().toISOString(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadavg: loadavg(),
      wave: WAVE,
      oneNode: { medianJoinsPerSec: median(one), waves: one },
      twoNodes: { medianJoinsPerSec: median(two), waves: two },
      ratio: median(two) / median(one),
    }),
  );
} finally {
  stopRedis();
}
