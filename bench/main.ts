import { version as mediasoupVersion } from 'mediasoup';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { runPlainForwarding, type PlainResult } from './forwarding-plain.js';
import { runWebRtcForwarding, type WebRtcStep } from './forwarding-webrtc.js';
import { firstFrame, type FirstFrameResult } from './first-frame.js';
import { idleLoad, type IdleResult } from './idle.js';
import { resolveWorkerBinary } from '../server/media/worker-binary.js';
import { floorWave, joinWave, type JoinResult } from './joins.js';
import { BareSocketIo } from './lib/bare-socketio.js';
import { machine } from './lib/proc.js';
import { BenchServer } from './lib/server-process.js';
import { writeReport, type BenchResults } from './report.js';

/*
 * npm run bench → bench/run.sh → this, inside the bench's network namespace,
 * pinned to core 0 (the SFU under test goes to core 1). Every stage has a
 * time budget; a failing stage is reported and the others still run.
 */

const SFU_IP = process.env['BENCH_SFU_IP'] ?? '10.99.0.1';
const LOAD_IP = process.env['BENCH_LOAD_IP'] ?? '10.99.0.2';
const SFU_IFACE = process.env['BENCH_SFU_IFACE'] ?? 'gbsfu';
const QUICK = process.env['BENCH_QUICK'] === '1';
const only = new Set((process.env['BENCH_ONLY'] ?? 'plain,webrtc,joins,idle,frame,size').split(','));
const started = Date.now();
const log = (line: string): void => console.log(line);
const budget = (seconds: number): number => Date.now() + seconds * 1000;

async function stage<T>(name: string, run: () => Promise<T>): Promise<T | { error: string }> {
  log(`\n== ${name} (t+${Math.round((Date.now() - started) / 1000)} s)`);
  try {
    return await run();
  } catch (error) {
    log(`  FAILED: ${String(error)}`);
    return { error: String(error instanceof Error ? error.message : error).slice(0, 400) };
  }
}

/** Which worker binary runs, and which SRTP crypto it links (it halves or doubles forwarding capacity). */
function workerDescription(): string {
  let bin: string;
  try {
    bin = resolveWorkerBinary();
  } catch (error) {
    return `no worker: ${String(error instanceof Error ? error.message : error)}`;
  }
  const libs = spawnSync('ldd', [bin], { encoding: 'utf8' }).stdout ?? '';
  const srtp = /libsrtp2\.so/.test(libs)
    ? "Debian's libsrtp2 (NSS crypto)"
    : 'libsrtp linked in (OpenSSL crypto)';
  return `mediasoup ${mediasoupVersion}, worker ${bin}, ${srtp}`;
}

const results: BenchResults = {
  machine: machine(),
  worker: workerDescription(),
  date: new Date().toISOString(),
  command: process.env['BENCH_COMMAND'] ?? 'npm run bench',
  janusVersion: (() => {
    // `janus --version` prints its version and exits non-zero, so read stdout whatever the status.
    const out = spawnSync('janus', ['--version'], { encoding: 'utf8' });
    return out.error
      ? 'Janus not installed'
      : (out.stdout.split('\n')[0]?.trim() ?? 'Janus (unknown version)');
  })(),
  plain: null,
  webrtc: null,
  janus: null,
  joins: null,
  joinFloor: null,
  idle: null,
  firstFrame: null,
  clientSize: null,
};

if (only.has('plain')) {
  results.plain = await stage<PlainResult>('forwarding, lighter tier (PlainTransport + SRTP)', () =>
    runPlainForwarding({
      sfuIp: SFU_IP,
      loadIp: LOAD_IP,
      sfuCore: 1,
      steps: process.env['BENCH_PLAIN_STEPS']
        ? process.env['BENCH_PLAIN_STEPS'].split(',').map(Number)
        : QUICK
          ? [50, 200]
          : [100, 200, 400, 600, 800, 1000, 1200, 1600, 2000],
      warmupMs: 2000,
      windowMs: QUICK ? 2000 : 5000,
      maxCpu: 0.8,
      maxLoss: 0.005,
      latencyConsumers: 200,
      deadline: budget(QUICK ? 30 : 150),
      log,
    }),
  );
}

if (only.has('webrtc')) {
  const options = {
    sfuIp: SFU_IP,
    loadIp: LOAD_IP,
    iface: SFU_IFACE,
    sfuCore: 1,
    warmupMs: 2000,
    windowMs: QUICK ? 2000 : 5000,
    log,
  };
  results.webrtc = await stage<WebRtcStep[]>('forwarding, realistic tier: werift viewers on our SFU', () =>
    runWebRtcForwarding('guichet (mediasoup)', {
      ...options,
      viewerSteps: QUICK ? [3] : [10, 30, 60],
      deadline: budget(QUICK ? 20 : 100),
    }),
  );
  results.janus = await stage<WebRtcStep[]>(
    'forwarding, realistic tier: werift viewers on Janus streaming',
    () =>
      runWebRtcForwarding('janus', {
        ...options,
        viewerSteps: QUICK ? [3] : [10, 30, 60],
        deadline: budget(QUICK ? 20 : 100),
      }),
  );
}

// The browser loads dist/client: build it from the sources as they are now (the size stage reads it too).
let clientBuilt: string | null = null;
if (only.has('frame') || only.has('size')) {
  try {
    execFileSync(process.execPath, ['scripts/build-client.mjs'], { stdio: 'ignore' });
  } catch (error) {
    clientBuilt = `client build failed: ${String(error).slice(0, 200)}`;
    log(clientBuilt);
  }
}

const JOIN_CLIENTS = QUICK ? 20 : 200;
const JOIN_WAVES = QUICK ? 1 : 4;

/** JOIN_CLIENTS at once, JOIN_WAVES times (the first wave meets a cold process). */
async function joinWaves(run: (n: number) => Promise<JoinResult>): Promise<JoinResult[]> {
  const waves: JoinResult[] = [];
  for (let i = 0; i < JOIN_WAVES; i += 1) {
    const wave = await run(JOIN_CLIENTS);
    log(
      `  wave ${i + 1}: ${wave.ok}/${wave.clients} ok, p50 ${wave.p50Ms.toFixed(0)} ms, p99 ${wave.p99Ms.toFixed(0)} ms, ` +
        `${wave.joinsPerSec.toFixed(0)} joins/s; CPU server ${(wave.serverCpu * 100).toFixed(0)} %, ` +
        `worker ${(wave.workerCpu * 100).toFixed(0)} %, generator ${(wave.generatorCpu * 100).toFixed(0)} %${wave.firstError ? `, first error: ${wave.firstError}` : ''}`,
    );
    waves.push(wave);
  }
  return waves;
}

if (only.has('joins') || only.has('idle') || only.has('frame')) {
  const server = await BenchServer.start('1');
  try {
    if (only.has('joins')) {
      results.joins = await stage<JoinResult[]>(
        `joins: ${JOIN_CLIENTS} at once (${JOIN_WAVES} waves; the first is cold)`,
        () => joinWaves((n) => joinWave(server, n)),
      );
      results.joinFloor = await stage<JoinResult[]>(
        `joins floor: bare socket.io on the same core, connect + one ack, ${JOIN_CLIENTS} at once`,
        async () => {
          const floor = await BareSocketIo.start('1');
          try {
            return await joinWaves((n) => floorWave(floor, n));
          } finally {
            await floor.stop();
          }
        },
      );
    }
    if (only.has('frame')) {
      // Browsers need both cores (the orchestrator runs on core 0 only).
      execFileSync('taskset', ['-a', '-pc', '0,1', String(process.pid)], { stdio: 'ignore' });
      results.firstFrame = await stage<FirstFrameResult>(
        'first frame in headless Chromium (10 joins)',
        async () => {
          const r = await firstFrame(server, QUICK ? 3 : 10, budget(90));
          log(
            `  runs (ms): ${r.runs.join(', ')}; median ${r.medianMs} ms${r.problem ? `; problem: ${r.problem}` : ''}`,
          );
          return r;
        },
      );
      execFileSync('taskset', ['-a', '-pc', '0', String(process.pid)], { stdio: 'ignore' });
    }
  } finally {
    await server.stop();
  }
  if (only.has('idle')) {
    // A fresh server, so the joins above don't count in its memory.
    const idleServer = await BenchServer.start('1');
    try {
      results.idle = await stage<IdleResult>('idle participants', async () => {
        const r = await idleLoad(
          idleServer,
          QUICK ? 200 : 5000,
          QUICK ? 5000 : 30_000,
          budget(QUICK ? 40 : 180),
        );
        log(
          `  ${r.joined}/${r.target} joined, ${r.stillConnected} still connected after ${Math.round(r.heldMs / 1000)} s; ` +
            `RSS ${(r.rssBeforeBytes / 2 ** 20).toFixed(0)} → ${(r.rssAfterBytes / 2 ** 20).toFixed(0)} MiB, ` +
            `${(r.bytesPerParticipant / 1024).toFixed(1)} KiB each`,
        );
        return r;
      });
    } finally {
      await idleServer.stop();
    }
  }
}

if (only.has('size')) {
  results.clientSize = await stage('client size', async () => {
    if (clientBuilt) throw new Error(clientBuilt);
    const raw: unknown = JSON.parse(readFileSync('dist/client/size.json', 'utf8'));
    const gz = typeof raw === 'object' && raw !== null ? Reflect.get(raw, 'appJsGzipBytes') : undefined;
    const plain = typeof raw === 'object' && raw !== null ? Reflect.get(raw, 'appJsBytes') : undefined;
    if (typeof gz !== 'number' || typeof plain !== 'number')
      throw new Error('dist/client/size.json: unexpected shape');
    log(`  app.js ${(plain / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped`);
    return { bytes: plain, gzipBytes: gz };
  });
}

writeReport(results, process.env['BENCH_REPORT'] ?? 'BENCHMARKS.md', log);
// The raw results, for the CI smoke test (test/bench) to check that every stage produced figures.
if (process.env['BENCH_JSON']) writeFileSync(process.env['BENCH_JSON'], JSON.stringify(results, null, 2));
log(`\nbench done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(0);
