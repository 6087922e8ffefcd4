import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SignalingClient } from '../test/helpers/signaling-client.js';
import { rssBytes, sleep } from './lib/proc.js';
import { BenchServer } from './lib/server-process.js';
import { connectAndProduceAudio } from './lib/bench-media.js';

/*
 * Soak stage (issue #14): joins, calls and leaves for a bounded time against
 * the real server (bench/lib/guichet-server.ts, one mediasoup worker, in its
 * own process), sampling the server's and its worker's RSS and open file
 * descriptors. Reports the slope of each (least squares, per hour) over the
 * run after a warm-up, so a leak shows as a steady climb.
 *
 *   npx tsx bench/soak.ts --duration 30m   (the run)
 *   npx tsx bench/soak.ts --duration 90s   (a quick look)
 *   ... --samples soak.jsonl               (every sample, one JSON line each)
 *
 * Outside npm test; bounded by --duration (at most 2 h). Each cycle: a room
 * by REST, two participants join with both transports, connect the send
 * transport (dummy DTLS), produce audio, chat, and leave.
 */

function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text);
  if (!match) throw new Error(`--duration: expected e.g. 90s, 30m or 1h, got ${text}`);
  const n = Number(match[1]);
  const ms = n * (match[2] === 'h' ? 3_600_000 : match[2] === 'm' ? 60_000 : 1000);
  if (ms < 10_000 || ms > 2 * 3_600_000) throw new Error('--duration: between 10 s and 2 h');
  return ms;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function participant(server: BenchServer, roomId: string, password: string): Promise<SignalingClient> {
  const client = await SignalingClient.connect(server.url);
  const joined = await client.request('join', {
    roomId,
    displayName: 'Soak',
    password,
    transports: ['recv', 'send'],
  });
  const send = joined.transports?.send;
  if (!send) throw new Error('join answered without a send transport');
  await connectAndProduceAudio(client, send, 'soak');
  return client;
}

async function cycle(server: BenchServer): Promise<void> {
  const room = await server.createRoom();
  const a = await participant(server, room.roomId, room.password);
  const b = await participant(server, room.roomId, room.password);
  await a.request('chat', { text: 'bonjour' });
  await a.request('leave', {});
  await b.request('leave', {});
  a.close();
  b.close();
}

const durationMs = parseDuration(argument('--duration', '90s'));
const parallel = Number(argument('--rooms', '4'));
// Its own HTTP port unless told: other benches on this machine use the default.
process.env['BENCH_PORT'] ??= String(18_100 + Math.floor(Math.random() * 800));
const server = await BenchServer.start(argument('--core', '0'));
const samplesFile = process.argv.includes('--samples') ? argument('--samples', '') : '';
const MiB = 2 ** 20;
const samples: {
  t: number;
  rssMiB: number;
  nodeMiB: number;
  workerMiB: number;
  fds: number;
  cycles: number;
  load: number;
  /** V8's used heap, from the server's own /metrics: what a leak of JS objects grows. */
  heapMiB: number;
}[] = [];
let cycles = 0;
const heapUsedMiB = async (): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = /^guichet_nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
  return match ? Number(match[1]) / MiB : Number.NaN;
};
const sample = async (t0: number): Promise<void> => {
  const heapMiB = await heapUsedMiB().catch(() => Number.NaN);
  const pids = [server.pid, ...server.workerPids];
  const nodeMiB = rssBytes(server.pid) / MiB;
  samples.push({
    t: (Date.now() - t0) / 3_600_000,
    rssMiB: server.rss() / MiB,
    nodeMiB,
    workerMiB: server.workerPids.reduce((sum, pid) => sum + rssBytes(pid), 0) / MiB,
    fds: pids.reduce((sum, pid) => sum + fds(pid), 0),
    cycles,
    load: loadavg()[0] ?? 0,
    heapMiB,
  });
};
let failures = 0;
let firstError: string | null = null;
try {
  const t0 = Date.now();
  const deadline = t0 + durationMs;
  await sample(t0);
  const sampler = setInterval(() => void sample(t0), Math.max(1000, durationMs / 120));
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < deadline) {
        try {
          await cycle(server);
          cycles += 1;
        } catch (error) {
          failures += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
          await sleep(200);
        }
      }
    }),
  );
  clearInterval(sampler);
  // Let the last leaves settle, then a final sample.
  await sleep(2_000);
  await sample(t0);
  const warm = samples.filter((s) => s.t >= samples[samples.length - 1]!.t * 0.2);
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  if (samplesFile) writeFileSync(samplesFile, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  // RSS at each tenth of the run: a leak climbs through them, a sawtooth does not.
  const tenths = Array.from({ length: 11 }, (_, i) => {
    const at = (last.t * i) / 10;
    const nearest = samples.reduce((a, b) => (Math.abs(b.t - at) < Math.abs(a.t - at) ? b : a));
    return {
      min: Math.round(nearest.t * 60),
      node: Math.round(nearest.nodeMiB),
      worker: Math.round(nearest.workerMiB),
      heap: Math.round(nearest.heapMiB),
    };
  });
  // The used heap saws with every collection; its low points (the least of each tenth of the
  // run) are what survives a collection, so a leak of JS objects shows as their climb.
  const heapFloors = Array.from({ length: 10 }, (_, i) => {
    const inTenth = samples.filter(
      (s) => s.t >= (last.t * i) / 10 && s.t < (last.t * (i + 1)) / 10 && Number.isFinite(s.heapMiB),
    );
    return { x: (last.t * (i + 0.5)) / 10, y: Math.min(...inTenth.map((s) => s.heapMiB)) };
  }).filter((p) => Number.isFinite(p.y));
  console.log(
    JSON.stringify(
      {
        durationS: Math.round(durationMs / 1000),
        parallelRooms: parallel,
        cycles,
        joins: cycles * 2,
        failures,
        firstError,
        samples: samples.length,
        rssMiB: {
          first: +first.rssMiB.toFixed(1),
          last: +last.rssMiB.toFixed(1),
          max: +Math.max(...samples.map((s) => s.rssMiB)).toFixed(1),
        },
        fds: { first: first.fds, last: last.fds, max: Math.max(...samples.map((s) => s.fds)) },
        // After the first 20 % (warm-up: JIT, pools, allocator arenas).
        rssSlopeMiBPerHour: +slope(warm.map((s) => ({ x: s.t, y: s.rssMiB }))).toFixed(2),
        fdSlopePerHour: +slope(warm.map((s) => ({ x: s.t, y: s.fds }))).toFixed(2),
        nodeRssSlopeMiBPerHour: +slope(warm.map((s) => ({ x: s.t, y: s.nodeMiB }))).toFixed(2),
        workerRssSlopeMiBPerHour: +slope(warm.map((s) => ({ x: s.t, y: s.workerMiB }))).toFixed(2),
        heapFloorMiBByTenth: heapFloors.map((p) => Math.round(p.y)),
        heapFloorSlopeMiBPerHour: +slope(heapFloors.slice(2)).toFixed(2),
        rssByTenth: tenths,
        loadAverage: {
          min: +Math.min(...samples.map((s) => s.load)).toFixed(1),
          max: +Math.max(...samples.map((s) => s.load)).toFixed(1),
        },
        workers: server.workerPids.length,
      },
      null,
      2,
    ),
  );
} finally {
  await server.stop();
}
