import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { machine, sleep } from './lib/proc.js';
import { GatewayProcess, threadMicros, type GatewayStats } from './lib/sip-gateway-process.js';
import { RtpCapture, type PacingFromWire } from './lib/rtp-capture.js';
import { startSippCallers } from './lib/sipp-callers.js';
import { syntheticRoomSide, type RoomSide } from './lib/sip-room-side.js';

/*
 * Phone calls per core (issue #13): the gateway process pinned to core 1;
 * sipp (the callers), tcpdump and the room side on core 0. Steps of N
 * concurrent calls (10, 20, 30, 50, 70, 100): each call dials, sends its
 * PIN, is admitted, and then for a steady window it both sends its voice
 * into the room and hears the room's mix (one room participant speaking).
 * Per step:
 *  - the gateway's CPU (/proc/<pid>/stat utime + stime: the main thread,
 *    the pacer thread and every other thread of the process) ÷ N;
 *  - the 20 ms pacing from outside: tcpdump's kernel timestamps of the
 *    gateway's RTP toward the callers, |inter-arrival − 20 ms|, p50/p99/max;
 *  - the pacer's own record of its send lateness, for comparison.
 * Pacing holds when p99 < 5 ms, every call is admitted and every stream
 * sends ≥ 48 packets/s. The figure is the most calls at which it holds.
 *
 *   npm run bench:sip      (root: a private network namespace, tcpdump, taskset)
 *
 * BENCH_SIP_ROOM=synthetic|core (default core once bound; see lib/sip-room-side.ts),
 * BENCH_SIP_STEPS=10,20,30,50,70,100, BENCH_SIP_WINDOW_S=15, BENCH_SIP_RATE=25 calls/s,
 * BENCH_SIP_ALL=1 (keep stepping after pacing fails), BENCH_JSON=<path>.
 */

const STEPS = (process.env['BENCH_SIP_STEPS'] ?? '10,20,30,50,70,100').split(',').map(Number);
const WINDOW_S = Number(process.env['BENCH_SIP_WINDOW_S'] ?? 15);
const RATE = Number(process.env['BENCH_SIP_RATE'] ?? 25);
const GATEWAY_CORE = '1';
const LOAD_CORE = '0';
const RTP_MIN = 31000;
const RTP_MAX = 31998;
const P99_LIMIT_MS = 5;

interface StepResult {
  calls: number;
  admitted: number;
  /** The gateway process's CPU over the window, in cores. */
  cpuCores: number;
  cpuPerCallPercent: number;
  mainThreadCores: number;
  otherThreadsCores: number;
  wire: PacingFromWire;
  pacer: GatewayStats['pacing'];
  callerVoiceFramesPerSecond: number;
  holds: boolean;
  note: string;
}

async function waitAdmitted(gateway: GatewayProcess, calls: number, deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let admitted = 0;
  while (Date.now() < deadline) {
    admitted = (await gateway.stats()).admitted;
    if (admitted >= calls) return admitted;
    await sleep(250);
  }
  return admitted;
}

async function runStep(room: RoomSide, calls: number, dir: string): Promise<StepResult> {
  const pins = await room.prepare(calls);
  const gateway = await GatewayProcess.start(GATEWAY_CORE, room.gatewayScript, {
    ...room.gatewayEnv(),
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    SIP_LISTEN: '127.0.0.1:0',
    SIP_RTP_HOST: '127.0.0.1',
    SIP_RTP_PORT_MIN: String(RTP_MIN),
    SIP_RTP_PORT_MAX: String(RTP_MAX),
    SIP_MAX_CALLS: '1000',
    SIP_INVITES_PER_SECOND: '1000',
    SIP_BUILT_PROMPTS_DIR: 'dist/sip-prompts',
  });
  const capture = await RtpCapture.start(join(dir, `rtp-${calls}.pcap`), RTP_MIN, RTP_MAX, LOAD_CORE);
  const rampS = calls / RATE;
  const sipp = startSippCallers({
    dir,
    target: gateway.port,
    pins,
    rate: RATE,
    holdMs: (rampS + WINDOW_S + 60) * 1000,
    core: LOAD_CORE,
    mediaPort: 40000 + calls * 10,
  });
  try {
    const admitted = await waitAdmitted(gateway, calls, (rampS + 30) * 1000);
    // A moment for the last calls' jitter buffers and the room's first frames.
    await sleep(2000);
    const before = threadMicros(gateway.pid);
    const statsBefore = await gateway.stats();
    const t0 = performance.now();
    const fromMs = Date.now();
    await sleep(WINDOW_S * 1000);
    const toMs = Date.now();
    const after = threadMicros(gateway.pid);
    const wallUs = (performance.now() - t0) * 1000;
    const stats = await gateway.stats();
    let main = 0;
    let others = 0;
    for (const [tid, t] of after) {
      const used = t.us - (before.get(tid)?.us ?? 0);
      if (tid === gateway.pid) main += used;
      else others += used;
    }
    const cpuCores = (main + others) / wallUs;
    const wire = await capture.stop(fromMs, toMs);
    const voice = (stats.sentFrames - statsBefore.sentFrames) / (wallUs / 1e6) / Math.max(1, admitted);
    const problems = [
      admitted < calls ? `${calls - admitted} calls not admitted` : '',
      wire.streams < calls ? `${wire.streams} RTP streams seen` : '',
      wire.minPacketsPerSecond < 48 ? `a stream at ${wire.minPacketsPerSecond.toFixed(1)} pkt/s` : '',
      !(wire.p99Ms < P99_LIMIT_MS) ? `p99 ${wire.p99Ms.toFixed(2)} ms ≥ ${P99_LIMIT_MS}` : '',
      wire.droppedByCapture > 0 ? `tcpdump dropped ${wire.droppedByCapture}` : '',
    ].filter(Boolean);
    return {
      calls,
      admitted,
      cpuCores,
      cpuPerCallPercent: (cpuCores * 100) / calls,
      mainThreadCores: main / wallUs,
      otherThreadsCores: others / wallUs,
      wire,
      pacer: stats.pacing,
      callerVoiceFramesPerSecond: voice,
      holds: problems.length === 0,
      note: problems.join('; '),
    };
  } finally {
    await gateway.stop();
    sipp.child.kill('SIGKILL');
    const { output } = await sipp.done;
    if (process.env['BENCH_SIP_DEBUG'] === '1') console.error(output);
    if (capture.child.exitCode === null) capture.child.kill('SIGKILL');
    await room.release();
  }
}

function table(results: StepResult[]): string {
  const head =
    '| calls | admitted | gateway CPU (cores) | CPU per call | main / other threads | pacing p50 / p99 / max (wire) | pacer self p99 | voice to room (frames/s/call) | holds |';
  const rule = '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |';
  const rows = results.map(
    (r) =>
      `| ${r.calls} | ${r.admitted} | ${r.cpuCores.toFixed(2)} | ${r.cpuPerCallPercent.toFixed(2)} % | ${r.mainThreadCores.toFixed(2)} / ${r.otherThreadsCores.toFixed(2)} | ${r.wire.p50Ms.toFixed(2)} / ${r.wire.p99Ms.toFixed(2)} / ${r.wire.maxMs.toFixed(1)} ms | ${r.pacer.p99.toFixed(2)} ms | ${r.callerVoiceFramesPerSecond.toFixed(1)} | ${r.holds ? 'yes' : `no (${r.note})`} |`,
  );
  return [head, rule, ...rows].join('\n');
}

const room = await syntheticRoomSide();
const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-sip-'));
const started = Date.now();
const host = machine();
try {
  execFileSync('bash', ['scripts/build-prompts.sh', 'dist/sip-prompts'], { stdio: 'pipe' });
  const results: StepResult[] = [];
  for (const calls of STEPS) {
    const result = await runStep(room, calls, dir);
    results.push(result);
    console.error(
      `sip bench: ${calls} calls, ${result.cpuPerCallPercent.toFixed(2)} % of a core each, wire p99 ${result.wire.p99Ms.toFixed(2)} ms${result.holds ? '' : ` (${result.note})`}`,
    );
    if (!result.holds && process.env['BENCH_SIP_ALL'] !== '1') break;
  }
  const best = Math.max(0, ...results.filter((r) => r.holds).map((r) => r.calls));
  console.log(
    `\nPhone gateway, ${room.name} room side; ${host.model}, ${host.cores} cores, load average ${host.loadAverage} at start; ${new Date(started).toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  console.log(table(results));
  console.log(
    `\nMost calls with the 20 ms pacing held (p99 < ${P99_LIMIT_MS} ms) on one core: ${best}${best >= 50 ? ' (goal ≥ 50: PASS)' : ' (goal ≥ 50: FAIL)'}`,
  );
  const json = process.env['BENCH_JSON'];
  if (json) writeFileSync(json, JSON.stringify({ machine: host, room: room.name, results, best }, null, 2));
} finally {
  await room.close();
  if (process.env['BENCH_SIP_DEBUG'] === '1') console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
