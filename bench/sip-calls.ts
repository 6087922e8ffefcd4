import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpuMicros, machine, sleep } from './lib/proc.js';
import { coreRoomSide, type CoreRoomSide } from './lib/sip-core-room-side.js';
import { GatewayProcess, threadMicros, type GatewayStats } from './lib/sip-gateway-process.js';
import { RtpCapture, type PacingFromWire } from './lib/rtp-capture.js';
import { startSippCallers, type SippRun } from './lib/sipp-callers.js';
import { syntheticRoomSide, type RoomSide } from './lib/sip-room-side.js';

/*
 * Phone calls per core (issue #13): the gateway process pinned to core 1;
 * sipp (the callers), tcpdump and the room side on core 0. Steps of N
 * concurrent calls (10, 20, 30, 50, 70, 100; each step adds callers, one
 * more sipp, and the calls already up stay up): each call dials, sends its
 * PIN, is admitted, and then for a steady window it both sends its voice
 * into the room and hears the room's mix (one room participant speaking).
 * Per step:
 *  - the gateway's CPU (/proc/<pid>/stat utime + stime: the main thread,
 *    the pacer thread and every other thread of the process) ÷ N;
 *  - the 20 ms pacing from outside: tcpdump's kernel timestamps of the
 *    gateway's RTP toward the callers, |inter-arrival − 20 ms|, p50/p99/max;
 *  - the pacer's own record of its send lateness, for comparison.
 * Pacing holds when p99 < 5 ms, every call is admitted and every stream
 * sends ≥ 48 packets/s (and, with the real room core, every room's
 * participant receives its caller). The figure is the most calls at which
 * it holds; the run stops at the first step where it does not.
 *
 *   npm run bench:sip      (root: a private network namespace, tcpdump, taskset)
 *
 * BENCH_SIP_ROOM=core|synthetic (default core: the real server and worker; see lib/sip-room-side.ts),
 * BENCH_SIP_STEPS=10,20,30,50,70,100, BENCH_SIP_WINDOW_S=15, BENCH_SIP_RATE=25 calls/s,
 * BENCH_SIP_ALL=1 (keep stepping after pacing fails), BENCH_JSON=<path>,
 * BENCH_SIP_CPU_PROF=<dir> (a V8 CPU profile of the gateway; read it with bench/cpuprofile-top.mjs).
 */

const STEPS = (process.env['BENCH_SIP_STEPS'] ?? '10,20,30,50,70,100').split(',').map(Number);
const WINDOW_S = Number(process.env['BENCH_SIP_WINDOW_S'] ?? 15);
const RATE = Number(process.env['BENCH_SIP_RATE'] ?? 25);
const GATEWAY_CORE = '1';
const LOAD_CORE = '0';
const RTP_MIN = 31000;
const RTP_MAX = 31998;
/** Each sipp's media port (one sipp per step), where the gateway's RTP to the callers goes. */
const CALLER_PORT_BASE = 36000;
const CALLER_PORTS = '36000-36990';
/** How long each caller holds: more than the whole run, which ends them. */
const HOLD_S = 420;
const P99_LIMIT_MS = 5;

interface StepResult {
  calls: number;
  admitted: number;
  /** The gateway process's CPU over the window, in cores. */
  cpuCores: number;
  cpuPerCallPercent: number;
  mainThreadCores: number;
  otherThreadsCores: number;
  /** The room core (server + worker) over the window, in cores; core mode only. */
  roomCoreCores: number | null;
  /** Rooms whose WebRTC participant received the caller during the window; core mode only. */
  roomsHearingCaller: number | null;
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

/** The calls already up stay up: each step adds callers (one more sipp) and measures all of them. */
async function measure(
  room: RoomSide,
  gateway: GatewayProcess,
  calls: number,
  dir: string,
): Promise<StepResult> {
  const admitted = await waitAdmitted(gateway, calls, 60_000);
  // A moment for the last calls' jitter buffers and the room's first frames.
  await sleep(2000);
  const capture = await RtpCapture.start(join(dir, `rtp-${calls}.pcap`), CALLER_PORTS, LOAD_CORE);
  const core = room.name === 'core' ? (room as CoreRoomSide) : undefined;
  const corePids = core ? [core.server.pid, ...core.server.workerPids] : [];
  const coreBefore = corePids.reduce((n, pid) => n + cpuMicros(pid), 0);
  const heardBefore = core?.callerPackets() ?? [];
  const before = threadMicros(gateway.pid);
  const statsBefore = await gateway.stats();
  const t0 = performance.now();
  const fromMs = Date.now();
  await sleep(WINDOW_S * 1000);
  const toMs = Date.now();
  const after = threadMicros(gateway.pid);
  const wallUs = (performance.now() - t0) * 1000;
  const coreUs = corePids.reduce((n, pid) => n + cpuMicros(pid), 0) - coreBefore;
  const heardAfter = core?.callerPackets() ?? [];
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
  const hearing = core
    ? heardAfter.slice(0, calls).filter((n, i) => n - (heardBefore[i] ?? 0) > WINDOW_S * 25).length
    : null;
  const problems = [
    admitted < calls ? `${calls - admitted} calls not admitted` : '',
    wire.streams < calls ? `${wire.streams} RTP streams seen` : '',
    wire.minPacketsPerSecond < 48 ? `a stream at ${wire.minPacketsPerSecond.toFixed(1)} pkt/s` : '',
    !(wire.p99Ms < P99_LIMIT_MS) ? `p99 ${wire.p99Ms.toFixed(2)} ms ≥ ${P99_LIMIT_MS}` : '',
    wire.droppedByCapture > 0 ? `tcpdump dropped ${wire.droppedByCapture}` : '',
    hearing !== null && hearing < calls ? `${calls - hearing} rooms did not hear their caller` : '',
  ].filter(Boolean);
  return {
    calls,
    admitted,
    cpuCores,
    cpuPerCallPercent: (cpuCores * 100) / calls,
    mainThreadCores: main / wallUs,
    otherThreadsCores: others / wallUs,
    roomCoreCores: core ? coreUs / wallUs : null,
    roomsHearingCaller: hearing,
    wire,
    pacer: stats.pacing,
    callerVoiceFramesPerSecond: voice,
    holds: problems.length === 0,
    note: problems.join('; '),
  };
}

function table(results: StepResult[]): string {
  const core = results.some((r) => r.roomCoreCores !== null);
  const head = `| calls | admitted | gateway CPU (cores) | CPU per call | main / other threads | pacing p50 / p99 / max (wire) | pacer self p99 | caller → room (frames/s/call) |${core ? ' room core CPU (cores) | rooms hearing their caller |' : ''} holds |`;
  const rule = `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${core ? ' ---: | ---: |' : ''} :--- |`;
  const rows = results.map(
    (r) =>
      `| ${r.calls} | ${r.admitted} | ${r.cpuCores.toFixed(2)} | ${r.cpuPerCallPercent.toFixed(2)} % | ${r.mainThreadCores.toFixed(2)} / ${r.otherThreadsCores.toFixed(2)} | ${r.wire.p50Ms.toFixed(2)} / ${r.wire.p99Ms.toFixed(2)} / ${r.wire.maxMs.toFixed(1)} ms | ${r.pacer ? `${r.pacer.p99.toFixed(2)} ms` : 'no answer'} | ${r.callerVoiceFramesPerSecond.toFixed(1)} |${core ? ` ${r.roomCoreCores?.toFixed(2)} | ${r.roomsHearingCaller} |` : ''} ${r.holds ? 'yes' : `no (${r.note})`} |`,
  );
  return [head, rule, ...rows].join('\n');
}

const room: RoomSide =
  (process.env['BENCH_SIP_ROOM'] ?? 'core') === 'core'
    ? await coreRoomSide(LOAD_CORE)
    : await syntheticRoomSide();
const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-sip-'));
const started = Date.now();
const host = machine();
const sipps: SippRun[] = [];
let gateway: GatewayProcess | undefined;
try {
  execFileSync('bash', ['scripts/build-prompts.sh', 'dist/sip-prompts'], { stdio: 'pipe' });
  gateway = await GatewayProcess.start(GATEWAY_CORE, room.gatewayScript, {
    // Synthetic mode never uses it; the gateway's configuration asks for one all the same.
    SIP_SERVICE_TOKEN: randomBytes(24).toString('hex'),
    ...room.gatewayEnv(),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['BENCH_SIP_DEBUG'] === '1' ? 'info' : 'warn',
    SIP_LISTEN: '127.0.0.1:0',
    SIP_RTP_HOST: '127.0.0.1',
    SIP_RTP_PORT_MIN: String(RTP_MIN),
    SIP_RTP_PORT_MAX: String(RTP_MAX),
    SIP_MAX_CALLS: '1000',
    SIP_INVITES_PER_SECOND: '1000',
    SIP_BUILT_PROMPTS_DIR: 'dist/sip-prompts',
  });
  const results: StepResult[] = [];
  let saturated: string | undefined;
  let up = 0;
  for (const calls of STEPS) {
    const pins = await room.prepare(calls);
    sipps.push(
      startSippCallers({
        dir,
        target: gateway.port,
        pins: pins.slice(up),
        rate: RATE,
        holdMs: HOLD_S * 1000,
        core: LOAD_CORE,
        mediaPort: CALLER_PORT_BASE + sipps.length * 10,
      }),
    );
    up = calls;
    let result: StepResult;
    try {
      result = await measure(room, gateway, calls, dir);
    } catch (error) {
      // The gateway's main thread no longer answers: past saturation on its core.
      saturated = `${calls} calls: ${error instanceof Error ? error.message : String(error)} (the gateway's main thread is saturated)`;
      console.error(`sip bench: ${saturated}`);
      break;
    }
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
  if (saturated) console.log(`\nThen ${saturated}.`);
  console.log(
    `\nMost calls with the 20 ms pacing held (p99 < ${P99_LIMIT_MS} ms) on one core: ${best}${best >= 50 ? ' (goal ≥ 50: PASS)' : ' (goal ≥ 50: FAIL)'}`,
  );
  const json = process.env['BENCH_JSON'];
  if (json) writeFileSync(json, JSON.stringify({ machine: host, room: room.name, results, best }, null, 2));
} finally {
  await gateway?.stop();
  for (const sipp of sipps) sipp.child.kill('SIGKILL');
  const outputs = await Promise.all(sipps.map((s) => s.done));
  if (process.env['BENCH_SIP_DEBUG'] === '1') for (const o of outputs) console.error(o.output);
  await room.close();
  if (process.env['BENCH_SIP_DEBUG'] === '1') console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
