import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinFollowing } from '../test/helpers/cluster-nodes.js';
import type { SignalingClient } from '../test/helpers/signaling-client.js';
import { connectAndProduceAudio } from './lib/bench-media.js';
import { CpuBudgetGroup, removeStaleGroups } from './lib/cgroup.js';
import { cpuMicros, machine, percentile, sleep, udpDropsByPort } from './lib/proc.js';
import { RelayedMedia, type RelayedTransport } from './lib/relayed-media.js';
import { BenchServer } from './lib/server-process.js';

/*
 * Two nodes against one (issue 12), in one run, on one Redis, with the real
 * cluster directory. Each node (its Node process and its one mediasoup
 * worker) gets a fixed CPU budget, a cgroup v1 quota of BENCH_CLUSTER_BUDGET
 * cores (0.5 by default): one node is 0.5 core, two nodes are 2 × 0.5. The
 * load generator (this process, its own mediasoup worker, Redis) runs in a
 * group of its own with no cap and the rest of the machine. Node CPU is the
 * group's cpuacct.usage, as a share of its budget.
 *
 *   1. Joins per second: waves of full joins (connect, join with both
 *      transports, connectTransport with a dummy fingerprint, produce), two
 *      people per room, entering through the nodes in turn, following
 *      ROOM_ELSEWHERE to the room's owner (with two nodes, half the joins are
 *      redirected). Median of the waves after the first (cold).
 *   2. Consumers carried at ≤ 80 % of the budget with < 0.5 % loss: rooms of
 *      one sender (Opus + VP8, real DTLS-SRTP through lib/relayed-media.ts)
 *      and BENCH_CLUSTER_VIEWERS viewers (each consumes both streams, real
 *      DTLS-SRTP), added step by step; loss = packets the source sent × the
 *      consumers fed by it vs RTP packets reaching the viewers' sockets.
 *
 * Run it with `npm run bench -- cluster` (bench/run.sh: root, a loopback-only
 * network namespace, the groups removed whatever happens). Prints a table and
 * one JSON line.
 */

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: not a positive number`);
  return value;
};
const BUDGET = num('BENCH_CLUSTER_BUDGET', 0.5);
const WAVE_PER_NODE = num('BENCH_CLUSTER_WAVE', 250);
const WAVES = num('BENCH_CLUSTER_WAVES', 8);
/** Waves left out of the figures: the processes warm up (JIT) over the first ones. */
const COLD_WAVES = Math.min(WAVES - 1, num('BENCH_CLUSTER_COLD_WAVES', 3));
const VIEWERS = num('BENCH_CLUSTER_VIEWERS', 9);
const ROOMS_PER_STEP = num('BENCH_CLUSTER_ROOMS_STEP', 6);
const MAX_STEPS = num('BENCH_CLUSTER_MAX_STEPS', 12);
const WARMUP_MS = num('BENCH_CLUSTER_WARMUP_MS', 2500);
const WINDOW_MS = num('BENCH_CLUSTER_WINDOW_MS', 4000);
const MAX_SHARE = 0.8;
const MAX_LOSS = 0.005;
/*
 * cpu.shares of every group: 64 ordinary processes' weight. The quota caps a
 * node; the weight makes sure a loaded machine still delivers that budget
 * (and the generator its CPU) instead of splitting the cores evenly among
 * every runnable process.
 */
const SHARES = 65536;
const CONFIGS = (process.env['BENCH_CLUSTER_CONFIGS'] ?? '1,2').split(',').map(Number);
const REDIS_PORT = 16379;
/*
 * Fixed ports below Linux's ephemeral range (32768 and up), where the
 * generator's own sockets (relays, bound to port 0) can't take them between
 * two configurations: node i's media port is 30100 + 10 i; the generator's
 * mediasoup transports take 20000–29999.
 */
const nodeMediaPort = (count: number, i: number): number => 30100 + (count - 1) * 20 + i * 10;
const GENERATOR_WEBRTC_PORT = 30290;
const GROUP_PREFIX = 'guichet-bench-';
const ALL_CORES = `0-${cpus().length - 1}`;
/**
 * Which node each person enters through; BENCH_CLUSTER_ENTRY lists the modes
 * the two-node configurations run in (each with fresh nodes), `hash,random`
 * by default. `hash`: the proxy of deploy/Caddyfile.cluster, which hashes the
 * room id over the live nodes (rendezvous hashing, as Caddy's `lb_policy
 * query room`), so every person of a room enters through the same node,
 * with the proxy's `X-Guichet-Route: room` and `?room=` (the nodes run with
 * TRUST_PROXY, as behind the proxy).
 * `random`: any node, as behind a load balancer without affinity, from a
 * fixed seed so runs repeat. `alternate`: the people of a room through the
 * nodes in turn, the worst case (half the joins of two-person rooms
 * redirected).
 */
const ENTRY_MODES = ['hash', 'random', 'alternate'] as const;
type Entry = (typeof ENTRY_MODES)[number];
const isEntry = (x: string): x is Entry => (ENTRY_MODES as readonly string[]).includes(x);
const ENTRIES = (process.env['BENCH_CLUSTER_ENTRY'] ?? 'hash,random').split(',').filter((x) => x !== '');
if (ENTRIES.length === 0 || !ENTRIES.every(isEntry))
  throw new Error(`BENCH_CLUSTER_ENTRY: a comma-separated list of ${ENTRY_MODES.join(', ')}`);
const ENTRY_LIST: readonly Entry[] = ENTRIES.filter(isEntry);

/** mulberry32: a small seeded PRNG, so the entries are the same from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Rendezvous hashing: the node whose hash with the room id is highest (the same for every person of the room). */
function hashedNode(roomId: string, nodes: BenchServer[]): number {
  let best = 0;
  let bestHash = -1n;
  nodes.forEach((node, i) => {
    const h = createHash('sha256')
      .update(`${new URL(node.url).host}${roomId}`)
      .digest()
      .readBigUInt64BE(0);
    if (h > bestHash) [best, bestHash] = [i, h];
  });
  return best;
}

/** The node person `i` (of room `roomId`) enters through. */
function entryOf(entry: Entry, i: number, roomId: string, nodes: BenchServer[]): BenchServer {
  const index =
    entry === 'hash'
      ? hashedNode(roomId, nodes)
      : entry === 'alternate'
        ? i % nodes.length
        : Math.floor(seeded(i + 12)() * nodes.length);
  return nodes[index]!;
}

const log = (line: string): void => console.log(line);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

// ---- groups, cleaned up whatever happens -----------------------------------------------------

const groups: CpuBudgetGroup[] = [];
function removeGroups(): void {
  for (const group of groups.splice(0).reverse()) {
    try {
      group.remove();
    } catch (error) {
      console.error(`cgroup ${group.name} not removed: ${String(error)}`);
    }
  }
}
function makeGroup(suffix: string, cores: number | null): CpuBudgetGroup {
  const group = CpuBudgetGroup.create(`${GROUP_PREFIX}${process.pid}-${suffix}`, { cores, shares: SHARES });
  groups.push(group);
  return group;
}

const children: ChildProcess[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    removeGroups();
    process.exit(130);
  });
}

const loads: number[] = [];
function sampleLoad(): void {
  loads.push(Math.round((loadavg()[0] ?? 0) * 100) / 100);
}

async function startRedis(): Promise<{ pid: number; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  children.push(child);
  await sleep(300);
  if (child.pid === undefined || child.exitCode !== null) throw new Error('redis-server did not start');
  return {
    pid: child.pid,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- CPU windows over groups -----------------------------------------------------------------

interface Usage {
  /** Each node's CPU as a share of its budget. */
  nodeShares: number[];
  /** Nodes' CPU in all, in ms. */
  nodesMs: number;
  /** The load generator's group (this process, its worker, Redis), in cores. */
  generatorCores: number;
  wallMs: number;
}

function usageWindow(nodeGroups: CpuBudgetGroup[], load: CpuBudgetGroup): () => Usage {
  const n0 = nodeGroups.map((g) => g.usageNs());
  const l0 = load.usageNs();
  const t0 = performance.now();
  return () => {
    const wallMs = performance.now() - t0;
    const used = nodeGroups.map((g, i) => (g.usageNs() - n0[i]!) / 1e6);
    return {
      nodeShares: used.map((ms) => ms / (wallMs * BUDGET)),
      nodesMs: used.reduce((a, b) => a + b, 0),
      generatorCores: (load.usageNs() - l0) / 1e6 / wallMs,
      wallMs,
    };
  };
}

// ---- 1. join waves ---------------------------------------------------------------------------

interface WaveResult {
  joins: number;
  ok: number;
  joinsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  redirected: number;
  nodeShares: number[];
  /** Share of the CFS periods in which each node ran out of its quota (1: it was held back all along). */
  throttled: number[];
  /** Node CPU (all groups) per successful join. */
  nodeMsPerJoin: number;
  generatorCores: number;
  firstError: string | null;
}

async function joinWave(
  nodes: BenchServer[],
  nodeGroups: CpuBudgetGroup[],
  load: CpuBudgetGroup,
  entry: Entry,
): Promise<WaveResult> {
  const joins = WAVE_PER_NODE * nodes.length;
  const rooms = await Promise.all(
    Array.from({ length: joins / 2 }, (_, i) => nodes[i % nodes.length]!.createRoom()),
  );
  const clients: SignalingClient[] = [];
  let redirected = 0;
  const entries = Array.from(
    { length: joins },
    (_, i) => entryOf(entry, i, rooms[Math.floor(i / 2)]!.roomId, nodes).url,
  );
  const throttling0 = nodeGroups.map((g) => g.throttling());
  const usage = usageWindow(nodeGroups, load);
  const results = await Promise.allSettled(
    Array.from({ length: joins }, async (_, i) => {
      const room = rooms[Math.floor(i / 2)]!;
      const t0 = performance.now();
      const followed = await joinFollowing(
        entries[i]!,
        {
          roomId: room.roomId,
          displayName: 'Bench',
          password: room.password,
          transports: ['recv', 'send'],
        },
        { routedByRoom: entry === 'hash' },
      );
      clients.push(followed.client);
      if (followed.hops > 0) redirected += 1;
      const send = followed.result.transports?.send;
      if (!send) throw new Error('join answered without a send transport');
      await connectAndProduceAudio(followed.client, send, 'bench');
      return performance.now() - t0;
    }),
  );
  const u = usage();
  const throttled = nodeGroups.map((g, i) => {
    const t = g.throttling();
    const t0 = throttling0[i]!;
    return (t.throttled - t0.throttled) / Math.max(1, t.periods - t0.periods);
  });
  await Promise.all(clients.map((c) => c.raw('leave', {}).catch(() => undefined)));
  for (const client of clients) client.close();
  await sleep(1500);
  const times = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r) => r.status === 'rejected');
  return {
    joins,
    ok: times.length,
    joinsPerSec: (times.length * 1000) / u.wallMs,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    redirected: redirected / Math.max(1, times.length),
    nodeShares: u.nodeShares,
    throttled,
    nodeMsPerJoin: u.nodesMs / Math.max(1, times.length),
    generatorCores: u.generatorCores,
    firstError: failure?.status === 'rejected' ? String(failure.reason).slice(0, 200) : null,
  };
}

// ---- 2. consumers carried --------------------------------------------------------------------

interface ConsumerStep {
  consumers: number;
  perNode: number[];
  nodeShares: number[];
  loss: number;
  lossPerNode: number[];
  packetsPerSec: number;
  /** Rooms or viewers whose set-up failed so far (left out of the figures). */
  setupFailures: number;
  /** Datagrams dropped by full receive buffers during the window: the nodes' media sockets, the generator's. */
  dropsAtNodes: number;
  dropsAtGenerator: number;
  generatorCores: number;
  redisCores: number;
  ok: boolean;
}

interface Viewer {
  node: number;
  transport: RelayedTransport;
}

/** One room: a sender entering at `entry`, then VIEWERS viewers entering through the nodes in turn. */
async function addRoom(
  nodes: BenchServer[],
  media: RelayedMedia,
  entry: Entry,
  index: number,
  clients: SignalingClient[],
  transports: RelayedTransport[],
  failures: string[],
  hops: number[],
): Promise<Viewer[]> {
  const room = await nodes[index % nodes.length]!.createRoom();
  const credentials = { roomId: room.roomId, password: room.password };
  const sender = await joinFollowing(
    entryOf(entry, index * (VIEWERS + 1), room.roomId, nodes).url,
    { ...credentials, displayName: 'Sender', transports: ['send'] },
    { deadline: Date.now() + 20_000, routedByRoom: entry === 'hash' },
  );
  clients.push(sender.client);
  hops.push(sender.hops);
  const owner = nodes.findIndex((n) => new URL(n.url).origin === new URL(sender.url).origin);
  const send = sender.result.transports?.send;
  if (!send) throw new Error('sender got no send transport');
  const sendSide = await media.connect(sender.client, send, { countOnly: false });
  transports.push(sendSide);
  const producerIds = await media.produceBoth(
    sender.client,
    send,
    sender.result.routerRtpCapabilities,
    sendSide.local,
  );
  const viewers = await Promise.all(
    Array.from({ length: VIEWERS }, async (_, v) => {
      const viewer = await joinFollowing(
        entryOf(entry, index * (VIEWERS + 1) + v + 1, room.roomId, nodes).url,
        { ...credentials, displayName: `Viewer ${v}`, transports: ['recv'] },
        { deadline: Date.now() + 20_000, routedByRoom: entry === 'hash' },
      );
      clients.push(viewer.client);
      hops.push(viewer.hops);
      const recv = viewer.result.transports?.recv;
      if (!recv) throw new Error('viewer got no recv transport');
      const transport = await media.connect(viewer.client, recv, { countOnly: true });
      transports.push(transport);
      for (const producerId of producerIds) {
        const consumer = await viewer.client.request('consume', {
          transportId: recv.id,
          producerId,
          rtpCapabilities: viewer.result.routerRtpCapabilities,
        });
        await viewer.client.request('resumeConsumer', { consumerId: consumer.consumerId });
      }
      return { node: owner, transport };
    }).map((viewer) =>
      // A viewer whose set-up failed (DTLS lost on a loaded machine) is left out and counted, not fatal.
      viewer.catch((error: unknown) => {
        failures.push(String(error instanceof Error ? error.message : error).slice(0, 120));
        return null;
      }),
    ),
  );
  return viewers.filter((v): v is Viewer => v !== null);
}

interface ConsumerRamp {
  steps: ConsumerStep[];
  stoppedBecause: string;
  /** Share of the ramp's joins that were redirected (ROOM_ELSEWHERE). */
  redirected: number;
}

async function consumerRamp(
  nodes: BenchServer[],
  nodeGroups: CpuBudgetGroup[],
  load: CpuBudgetGroup,
  media: RelayedMedia,
  redisPid: number,
  entry: Entry,
): Promise<ConsumerRamp> {
  const clients: SignalingClient[] = [];
  const transports: RelayedTransport[] = [];
  const viewers: Viewer[] = [];
  const steps: ConsumerStep[] = [];
  /** Rooms or viewers whose set-up failed, so far. */
  const failures: string[] = [];
  /** Redirects each join of the ramp followed. */
  const hops: number[] = [];
  let stoppedBecause = `all ${MAX_STEPS} steps passed`;
  let rooms = 0;
  try {
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const added = await Promise.all(
        Array.from({ length: ROOMS_PER_STEP * nodes.length }, (_, i) =>
          addRoom(nodes, media, entry, rooms + i, clients, transports, failures, hops).catch(
            (error: unknown) => {
              failures.push(String(error instanceof Error ? error.message : error).slice(0, 120));
              return [];
            },
          ),
        ),
      );
      rooms += added.length;
      viewers.push(...added.flat());
      await sleep(WARMUP_MS);
      const a0 = media.source.counters.audio;
      const v0 = media.source.counters.video;
      const r0 = viewers.map((v) => v.transport.relay.rtpFromNode);
      for (const v of viewers) v.transport.relay.openWindow();
      const drops0 = udpDrops();
      const redis0 = cpuOf(redisPid);
      const usage = usageWindow(nodeGroups, load);
      await sleep(WINDOW_MS);
      const u = usage();
      const sent = media.source.counters.audio - a0 + (media.source.counters.video - v0);
      const drops = udpDrops();
      const received = nodes.map(() => 0);
      const expected = nodes.map(() => 0);
      for (const v of viewers) {
        const w = v.transport.relay.windowStats();
        received[v.node]! += w.received;
        expected[v.node]! += w.expected;
      }
      if (process.env['BENCH_CLUSTER_DEBUG']) {
        viewers.forEach((v, i) => {
          const w = v.transport.relay.windowStats();
          if (w.received < w.expected * 0.995) {
            log(
              `    viewer ${i} on node ${v.node}: ${w.received} of ${w.expected} by sequence numbers; ` +
                `${v.transport.relay.rtpFromNode - r0[i]!} RTP packets for ${sent} sent by the source`,
            );
          }
        });
      }
      const lossPerNode = expected.map((e, i) => (e > 0 ? Math.max(0, 1 - received[i]! / e) : 0));
      const totalExpected = expected.reduce((a, b) => a + b, 0);
      const totalReceived = received.reduce((a, b) => a + b, 0);
      const perNode = nodes.map((_, i) => viewers.filter((v) => v.node === i).length * 2);
      const result: ConsumerStep = {
        consumers: viewers.length * 2,
        perNode,
        nodeShares: u.nodeShares,
        loss: totalExpected > 0 ? Math.max(0, 1 - totalReceived / totalExpected) : 0,
        lossPerNode,
        packetsPerSec: (totalReceived * 1000) / u.wallMs,
        setupFailures: failures.length,
        dropsAtNodes: drops.nodes - drops0.nodes,
        dropsAtGenerator: drops.generator - drops0.generator,
        generatorCores: u.generatorCores,
        redisCores: (cpuOf(redisPid) - redis0) / 1000 / u.wallMs,
        ok: false,
      };
      result.ok = Math.max(...result.nodeShares) <= MAX_SHARE && Math.max(...lossPerNode) < MAX_LOSS;
      steps.push(result);
      sampleLoad();
      log(
        `  ${String(result.consumers).padStart(5)} consumers (${perNode.join(' + ')}): ` +
          `${Math.round(result.packetsPerSec)} pkt/s received, node CPU ${result.nodeShares.map(pct).join(' / ')} of budget, ` +
          `loss ${result.lossPerNode.map(pct).join(' / ')} (socket drops: nodes ${result.dropsAtNodes}, generator ${result.dropsAtGenerator}), generator ${result.generatorCores.toFixed(2)} cores ` +
          `(Redis ${result.redisCores.toFixed(2)})` +
          (failures.length ? `, ${failures.length} set-ups failed (first: ${failures[0]})` : '') +
          (result.ok ? '' : '  ← stop'),
      );
      if (!result.ok) {
        stoppedBecause =
          Math.max(...result.nodeShares) > MAX_SHARE
            ? `node CPU above ${MAX_SHARE * 100} % of its budget at ${result.consumers} consumers`
            : `loss ≥ ${MAX_LOSS * 100} % at ${result.consumers} consumers`;
        break;
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.raw('leave', {}).catch(() => undefined)));
    for (const client of clients) client.close();
    media.closeTransports(transports);
  }
  return { steps, stoppedBecause, redirected: hops.filter((h) => h > 0).length / Math.max(1, hops.length) };
}

/** Full-buffer drops at the nodes' media ports (one worker each) and at every other socket. */
function udpDrops(): { nodes: number; generator: number } {
  let nodes = 0;
  let generator = 0;
  const nodePorts = new Set([nodeMediaPort(1, 0), nodeMediaPort(2, 0), nodeMediaPort(2, 1)]);
  for (const [port, dropped] of udpDropsByPort()) {
    if (nodePorts.has(port)) nodes += dropped;
    else generator += dropped;
  }
  return { nodes, generator };
}

/** Resolves once these processes have exited (SIGKILL after 10 s). */
async function waitGone(pids: number[]): Promise<void> {
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (pids.some(alive)) {
    if (Date.now() > deadline) for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    await sleep(100);
  }
}

/** CPU time of a process in µs, 0 once it is gone. */
function cpuOf(pid: number): number {
  try {
    return cpuMicros(pid);
  } catch {
    return 0;
  }
}

// ---- one configuration -----------------------------------------------------------------------

interface ConfigResult {
  nodes: number;
  waves: WaveResult[];
  medianJoinsPerSec: number;
  entry: Entry;
  consumers: ConsumerRamp;
  /** Consumers of the last passing step. */
  consumersCarried: number;
  /** From the last passing step: each node's consumers × 80 % ÷ its share, summed. */
  consumersAt80: number;
}

async function runConfig(
  count: number,
  redisUrl: string,
  load: CpuBudgetGroup,
  media: RelayedMedia,
  redisPid: number,
  entry: Entry,
): Promise<ConfigResult> {
  log(
    `\n== ${count} node${count > 1 ? 's' : ''}, ${BUDGET} core each (cgroup quota)` +
      (count > 1 ? `, entry by ${entry}` : ''),
  );
  const prefix = `bench-${count}-${entry}-${Date.now()}:`;
  const nodeGroups = Array.from({ length: count }, (_, i) =>
    makeGroup(`n${count}-${entry}-node-${i}`, BUDGET),
  );
  const nodes: BenchServer[] = [];
  try {
    nodes.push(
      ...(await Promise.all(
        nodeGroups.map((_, i) =>
          BenchServer.start(ALL_CORES, {
            BENCH_PORT: String(18180 + i),
            BENCH_MEDIA_PORT_BASE: String(nodeMediaPort(count, i)),
            BENCH_REDIS_URL: redisUrl,
            BENCH_REDIS_PREFIX: prefix,
            BENCH_NODE_ID: `node-${i}`,
          }),
        ),
      )),
    );
    children.push(...nodes.map((n) => n.child));
    nodes.forEach((node, i) => {
      for (const pid of [node.pid, ...node.workerPids]) nodeGroups[i]!.add(pid);
      const inside = nodeGroups[i]!.pids();
      if (![node.pid, ...node.workerPids].every((pid) => inside.includes(pid)))
        throw new Error(`node ${i}: not every process is in its group`);
    });
    log(`  joins: waves of ${WAVE_PER_NODE * count} (${WAVE_PER_NODE} per node), two per room`);
    const waves: WaveResult[] = [];
    for (let i = 0; i < WAVES; i += 1) {
      const w = await joinWave(nodes, nodeGroups, load, entry);
      sampleLoad();
      waves.push(w);
      log(
        `  wave ${i + 1}: ${w.ok}/${w.joins} ok, ${w.joinsPerSec.toFixed(0)} joins/s, p50 ${w.p50Ms.toFixed(0)} ms, ` +
          `p99 ${w.p99Ms.toFixed(0)} ms, redirected ${pct(w.redirected)}, node CPU ${w.nodeShares.map(pct).join(' / ')} ` +
          `of budget (throttled in ${w.throttled.map(pct).join(' / ')} of periods), ${w.nodeMsPerJoin.toFixed(2)} ms node CPU per join, generator ${w.generatorCores.toFixed(2)} cores` +
          (w.firstError ? `; first error: ${w.firstError}` : ''),
      );
    }
    log(
      `  consumers: rooms of 1 sender (Opus + VP8) and ${VIEWERS} viewers, ${ROOMS_PER_STEP} rooms per node per step`,
    );
    const consumers = await consumerRamp(nodes, nodeGroups, load, media, redisPid, entry);
    log(`  consumer ramp: ${pct(consumers.redirected)} of its joins redirected`);
    const passing = consumers.steps.filter((s) => s.ok);
    const last = passing.at(-1);
    return {
      nodes: count,
      entry,
      waves,
      medianJoinsPerSec: percentile(
        waves.slice(COLD_WAVES).map((w) => w.joinsPerSec),
        50,
      ),
      consumers,
      consumersCarried: last?.consumers ?? 0,
      consumersAt80: last
        ? last.perNode.reduce((sum, c, i) => sum + (c * MAX_SHARE) / Math.max(1e-6, last.nodeShares[i]!), 0)
        : 0,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    // A node's worker exits a moment after the node: wait, so it does not run on into the next configuration.
    await waitGone(nodes.flatMap((n) => n.workerPids));
    for (const group of nodeGroups) {
      groups.splice(groups.indexOf(group), 1);
      group.remove();
    }
  }
}

// ---- main ------------------------------------------------------------------------------------

if (!CpuBudgetGroup.available()) {
  console.error('bench/cluster.ts: needs root and cgroup v1 cpu + cpuacct under /sys/fs/cgroup');
  process.exit(1);
}
const stale = removeStaleGroups(GROUP_PREFIX);
if (stale.length) log(`removed cgroups left by an earlier run: ${stale.join(', ')}`);

const started = Date.now();
const startedAt = new Date().toISOString();
sampleLoad();
const loadTimer = setInterval(sampleLoad, 10_000);
let exitCode = 0;
try {
  // This process first: Redis and the generator's worker, started next, land in its group.
  const load = makeGroup('load', null);
  load.add(process.pid);
  const redis = await startRedis();
  const media = await RelayedMedia.start(GENERATOR_WEBRTC_PORT);
  try {
    const redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;
    const results: ConfigResult[] = [];
    // One node: where people enter makes no difference. Two or more: once per entry mode.
    for (const count of CONFIGS)
      for (const entry of count > 1 ? ENTRY_LIST : ENTRY_LIST.slice(0, 1))
        results.push(await runConfig(count, redisUrl, load, media, redis.pid, entry));
    const one = results[0]!;
    const twos = results.filter((r) => r.nodes > 1);
    const m = machine();
    const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
    const medianOf = (r: ConfigResult, f: (w: WaveResult) => number): number =>
      percentile(r.waves.slice(COLD_WAVES).map(f), 50);
    const capacity = (r: ConfigResult): number =>
      (r.nodes * BUDGET * 1000) / medianOf(r, (w) => w.nodeMsPerJoin);
    log(`\n== summary (${startedAt}, ${Math.round((Date.now() - started) / 1000)} s)`);
    log(
      `machine: ${m.model}, ${m.cores} cores, ${m.ramGiB} GiB, Linux ${m.kernel}, Node ${m.node}; ` +
        `load average ${Math.min(...loads)}–${Math.max(...loads)} during the run`,
    );
    log(`budget: ${BUDGET} core per node (node process + its worker), cgroup v1 quota; generator uncapped`);
    log(
      `| figure | one node | ${twos.map((t) => `${t.nodes} nodes, entry by ${t.entry} | ÷ one`).join(' | ')} |`,
    );
    log(`|---|---|${twos.map(() => '---|---|').join('')}`);
    /** One row: the one-node figure, then each multi-node figure and (if `divide`) its ratio to one node. */
    const row = (name: string, f: (r: ConfigResult) => number, digits: number, divide: boolean): void =>
      log(
        `| ${name} | ${f(one).toFixed(digits)} | ` +
          twos.map((t) => `${f(t).toFixed(digits)} | ${divide ? ratio(f(t), f(one)) : ''}`).join(' | ') +
          ' |',
      );
    row(`joins/s, median of waves ${COLD_WAVES + 1}–${WAVES}`, (r) => r.medianJoinsPerSec, 0, true);
    row('node CPU per join (ms, median wave)', (r) => medianOf(r, (w) => w.nodeMsPerJoin), 2, false);
    row('joins/s the budgets allow, from node CPU per join', capacity, 0, true);
    row('joins redirected in the waves (%)', (r) => 100 * medianOf(r, (w) => w.redirected), 1, false);
    row('joins redirected in the consumer ramp (%)', (r) => 100 * r.consumers.redirected, 1, false);
    row(
      'consumers carried, ≤ 80 % of budget and loss < 0.5 % (measured step)',
      (r) => r.consumersCarried,
      0,
      true,
    );
    row('consumers at 80 % of budget, from the last passing step', (r) => r.consumersAt80, 0, true);
    row(
      'generator CPU, most in a wave (cores)',
      (r) => Math.max(...r.waves.map((w) => w.generatorCores)),
      2,
      false,
    );
    row(
      'generator CPU, most in a step (cores)',
      (r) => Math.max(0, ...r.consumers.steps.map((st) => st.generatorCores)),
      2,
      false,
    );
    log(
      `consumer ramp stopped: one node: ${one.consumers.stoppedBecause}; ` +
        twos.map((t) => `${t.nodes} nodes by ${t.entry}: ${t.consumers.stoppedBecause}`).join('; '),
    );
    log(
      JSON.stringify({
        date: startedAt,
        machine: m,
        loadAverages: loads,
        budgetCores: BUDGET,
        oneNode: one,
        multiNode: twos,
        ratios: twos.map((t) => ({
          nodes: t.nodes,
          entry: t.entry,
          joins: t.medianJoinsPerSec / one.medianJoinsPerSec,
          consumers: one.consumersCarried > 0 ? t.consumersCarried / one.consumersCarried : null,
        })),
      }),
    );
  } finally {
    media.stop();
    redis.stop();
  }
} catch (error) {
  console.error(
    `bench/cluster.ts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  exitCode = 1;
} finally {
  clearInterval(loadTimer);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  removeGroups();
}
process.exit(exitCode);
