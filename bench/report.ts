import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { PlainResult } from './forwarding-plain.js';
import type { WebRtcStep } from './forwarding-webrtc.js';
import type { FirstFrameResult } from './first-frame.js';
import type { IdleResult } from './idle.js';
import type { JoinResult } from './joins.js';
import type { Machine } from './lib/proc.js';

type Outcome<T> = T | { error: string } | null;

export interface BenchResults {
  machine: Machine;
  date: string;
  command: string;
  janusVersion: string;
  /** The worker binary and the SRTP crypto it links. */
  worker: string;
  plain: Outcome<PlainResult>;
  webrtc: Outcome<WebRtcStep[]>;
  janus: Outcome<WebRtcStep[]>;
  joins: Outcome<JoinResult[]>;
  /** The same waves against bare socket.io (connect + one ack): the floor for any join over it. */
  joinFloor: Outcome<JoinResult[]>;
  idle: Outcome<IdleResult>;
  firstFrame: Outcome<FirstFrameResult>;
  clientSize: Outcome<{ bytes: number; gzipBytes: number }>;
}

/** Everything after this line in BENCHMARKS.md is hand-written and kept across runs. */
const NOTES_MARKER = '<!-- hand-written notes below: kept by npm run bench -->';
const JANUS_ANCHOR_US = 62;

/** Median wave's p50, worst wave's p99, failures over all waves. */
function waveSummary(waves: JoinResult[]): { p50: number; p99: number; failed: number } {
  return {
    p50: [...waves.map((j) => j.p50Ms)].sort((a, b) => a - b)[Math.floor(waves.length / 2)]!,
    p99: Math.max(...waves.map((j) => j.p99Ms)),
    failed: waves.reduce((s, j) => s + j.failed, 0),
  };
}

function ok<T>(o: Outcome<T>): T | null {
  return o !== null && !(typeof o === 'object' && 'error' in o) ? o : null;
}
function why<T>(o: Outcome<T>): string {
  return o === null ? 'not run' : typeof o === 'object' && 'error' in o ? `failed: ${o.error}` : '';
}
const f = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const verdict = (pass: boolean | null): string => (pass === null ? 'NOT MEASURED' : pass ? 'PASS' : 'FAIL');

interface Row {
  figure: string;
  ours: string;
  peer: string;
  goal: string;
  verdict: string;
}

/** A tier's representative step: the largest one with every viewer connected and loss < 0.5 %. */
function bestStep(steps: WebRtcStep[] | null): WebRtcStep | null {
  const good = (steps ?? []).filter((s) => s.connected === s.viewers && s.loss < 0.005);
  return good.length ? good[good.length - 1]! : null;
}

export function writeReport(r: BenchResults, path: string, log: (line: string) => void): void {
  const rows: Row[] = [];
  const plain = ok(r.plain);
  if (plain) {
    rows.push({
      figure: 'CPU per outgoing packet, PlainTransport + SRTP (median of passing steps)',
      ours: `${f(plain.usPerPacket, 1)} µs (${f(1e6 / plain.usPerPacket)} pkt/s per core)`,
      peer: `mediasoup guidance ~20 µs (50,000 pkt/s); LiveKit 13–26 µs (38–75k pkt/s); Janus anchor ${JANUS_ANCHOR_US} µs; kernel loopback ~3.3 µs (300k sends/s)`,
      goal: '',
      verdict: '',
    });
    rows.push({
      figure: 'Most consumers per worker, ≤ 80 % CPU and loss < 0.5 % (measured step)',
      ours: `${plain.maxConsumers} (stopped: ${plain.stoppedBecause})`,
      peer: 'mediasoup guidance ~500',
      goal: '≥ 600',
      verdict: verdict(plain.maxConsumers >= 600),
    });
    rows.push({
      figure: 'Consumers per worker at 80 % CPU, extrapolated from µs/packet',
      ours: `${f(plain.extrapolatedConsumersAt80)} (${f(plain.packetsPerConsumerPerSec, 1)} pkt/s per consumer)`,
      peer: 'mediasoup guidance ~500',
      goal: '',
      verdict: '',
    });
    if (plain.latency) {
      const l = plain.latency;
      rows.push({
        figure: `Latency the SFU adds (plain RTP, ${l.consumers} consumers), p50 / p99`,
        ours: `${f(l.addedP50Us / 1000, 2)} / ${f(l.addedP99Us / 1000, 2)} ms (through SFU ${f(l.throughSfuP50Us / 1000, 2)} / ${f(l.throughSfuP99Us / 1000, 2)} ms, direct ${f(l.directP50Us / 1000, 2)} / ${f(l.directP99Us / 1000, 2)} ms)`,
        peer: '—',
        goal: '',
        verdict: '',
      });
    }
  } else {
    rows.push({
      figure: 'Forwarding, lighter tier',
      ours: why(r.plain),
      peer: '',
      goal: '≥ 600 consumers',
      verdict: verdict(null),
    });
  }

  const ours = bestStep(ok(r.webrtc));
  const janus = bestStep(ok(r.janus));
  if (ours) {
    rows.push({
      figure: `Realistic tier (werift viewers, DTLS-SRTP): CPU per outgoing packet, ${ours.viewers} viewers`,
      ours: `${f(ours.usPerPacket, 1)} µs, loss ${f(ours.loss * 100, 2)} %, latency p50 ${f(ours.latencyP50Us / 1000, 2)} ms p99 ${f(ours.latencyP99Us / 1000, 2)} ms`,
      peer: janus
        ? `${r.janusVersion}: ${f(janus.usPerPacket, 1)} µs, loss ${f(janus.loss * 100, 2)} %, ${janus.viewers} viewers`
        : `Janus not measured in this run (${janusWhy(r)}); anchor ${JANUS_ANCHOR_US} µs`,
      goal: '',
      verdict: '',
    });
    const ratio = (janus ? janus.usPerPacket : JANUS_ANCHOR_US) / ours.usPerPacket;
    rows.push({
      figure: 'Consumers per core ÷ Janus’s (same packets per consumer, loss < 0.5 %)',
      ours: `${f(ratio, 2)}× ${janus ? '(measured side by side)' : `(against the ${JANUS_ANCHOR_US} µs anchor, NOT measured here)`}`,
      peer: 'Janus = 1×',
      goal: '≥ 1.5×',
      verdict: janus ? verdict(ratio >= 1.5) : `${verdict(ratio >= 1.5)} vs anchor only`,
    });
  } else {
    rows.push({
      figure: 'Realistic tier',
      ours: why(r.webrtc) || 'no passing step',
      peer: '',
      goal: '≥ 1.5× Janus',
      verdict: verdict(null),
    });
  }

  const joins = ok(r.joins);
  const floor = ok(r.joinFloor);
  if (joins && joins.length) {
    const { p50, p99, failed } = waveSummary(joins);
    const bare = floor && floor.length ? waveSummary(floor) : null;
    rows.push({
      figure: `Join time, ${joins[0]!.clients} at once (median wave p50 / worst wave p99, ${joins.length} waves)`,
      ours: `${f(p50)} / ${f(p99)} ms${failed ? `, ${failed} failed` : ''}`,
      peer: bare
        ? `bare socket.io on the same core, connect + 1 ack: ${f(bare.p50)} / ${f(bare.p99)} ms${bare.failed ? `, ${bare.failed} failed` : ''}`
        : `bare socket.io: ${why(r.joinFloor) || 'not run'}`,
      goal: 'p50 < 150 ms, p99 < 400 ms',
      verdict: verdict(failed === 0 && p50 < 150 && p99 < 400),
    });
    rows.push({
      figure:
        'Joins per second one node sustains (best wave, full join incl. 2 transports, DTLS connect and produce)',
      ours: f(Math.max(...joins.map((j) => j.joinsPerSec))),
      peer: '—',
      goal: '',
      verdict: '',
    });
  } else {
    rows.push({
      figure: 'Joins',
      ours: why(r.joins),
      peer: '',
      goal: 'p50 < 150 ms, p99 < 400 ms',
      verdict: verdict(null),
    });
  }

  const frame = ok(r.firstFrame);
  rows.push({
    figure: '« Rejoindre » → first decoded remote frame, headless Chromium (median)',
    ours:
      frame && frame.runs.length
        ? `${f(frame.medianMs)} ms (runs: ${frame.runs.join(', ')})${frame.problem ? `; ${frame.problem}` : ''}`
        : why(r.firstFrame) || (frame?.problem ?? 'no run'),
    peer: 'anchor: 0.61 s join() → frame with the other already sending, measured when browser tests were set up',
    goal: '< 1 s',
    verdict: frame && frame.runs.length ? verdict(frame.medianMs < 1000) : verdict(null),
  });

  const idle = ok(r.idle);
  rows.push({
    figure: 'Idle participants on one node (joined, heartbeat on), memory',
    ours: idle
      ? `${idle.stillConnected}/${idle.target} held ${Math.round(idle.heldMs / 1000)} s; RSS ${f(idle.rssAfterBytes / 2 ** 20)} MiB total, ${f(idle.bytesPerParticipant / 1024, 1)} KiB each`
      : why(r.idle),
    peer: '—',
    goal: '5,000 under 1 GiB',
    verdict: idle ? verdict(idle.stillConnected >= 5000 && idle.rssAfterBytes < 2 ** 30) : verdict(null),
  });

  const size = ok(r.clientSize);
  rows.push({
    figure: 'Client bundle (dist/client/assets/app.js), gzipped',
    ours: size
      ? `${f(size.gzipBytes / 1024, 1)} KiB (${f(size.bytes / 1024, 1)} KiB raw)`
      : why(r.clientSize),
    peer: '—',
    goal: '',
    verdict: '',
  });

  const table = [
    '| figure | Guichet | peer | goal | verdict |',
    '|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.figure} | ${x.ours} | ${x.peer} | ${x.goal} | ${x.verdict} |`),
  ].join('\n');

  const details: string[] = [];
  if (plain) {
    details.push(
      '### Forwarding ramp, PlainTransport + SRTP',
      '',
      '| consumers | pkt/s out | worker CPU | µs/pkt | loss | generator CPU | drops at receivers | drops at SFU socket |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const s of plain.steps) {
      details.push(
        `| ${s.consumers} | ${f(s.packetsOutPerSec)} | ${f(s.workerCpu * 100, 1)} % | ${f(s.usPerPacket, 2)} | ${f(s.loss * 100, 2)} % | ${f(s.generatorCpu * 100)} % | ${s.rcvbufErrors} | ${s.sfuRcvbufErrors} |`,
      );
    }
    details.push('');
  }
  for (const [name, steps] of [
    ['our SFU', ok(r.webrtc)],
    ['Janus', ok(r.janus)],
  ] as const) {
    if (!steps) continue;
    details.push(
      `### Realistic tier, ${name}`,
      '',
      '| viewers | connected | pkt/s out | SFU CPU | µs/pkt | loss | latency p50 / p99 | generator CPU |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const s of steps) {
      details.push(
        `| ${s.viewers} | ${s.connected} | ${f(s.packetsOutPerSec)} | ${f(s.sfuCpu * 100, 1)} % | ${f(s.usPerPacket, 1)} | ${f(s.loss * 100, 2)} % | ${f(s.latencyP50Us / 1000, 2)} / ${f(s.latencyP99Us / 1000, 2)} ms | ${f(s.generatorCpu * 100)} % |`,
      );
    }
    details.push('');
  }
  for (const [title, waves] of [
    ['Join waves (connect, join with both transports, connectTransport, produce)', joins],
    ['Floor: the same waves against bare socket.io (connect, one ack)', floor],
  ] as const) {
    if (!waves) continue;
    details.push(
      `### ${title}`,
      '',
      '| clients | ok | p50 | p99 | max | wall | joins/s | CPU server / worker / generator |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const j of waves)
      details.push(
        `| ${j.clients} | ${j.ok} | ${f(j.p50Ms)} ms | ${f(j.p99Ms)} ms | ${f(j.maxMs)} ms | ${f(j.wallMs)} ms | ${f(j.joinsPerSec)} | ${f(j.serverCpu * 100)} % / ${f(j.workerCpu * 100)} % / ${f(j.generatorCpu * 100)} % |`,
      );
    details.push('');
  }

  const m = r.machine;
  const generated = [
    '# Benchmarks',
    '',
    `Measured ${r.date} with \`${r.command}\` (code in \`bench/\`, see bench/README.md).`,
    '',
    `Machine: ${m.model}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}; ${r.worker}; ${r.janusVersion}. Load average when the run started: ${m.loadAverage} (other work on the machine skews every figure).`,
    'The SFU under test (mediasoup worker or Janus) is pinned to core 1 and runs in a network namespace of its own (veth end 10.99.0.1); the load generator, receivers and viewers are pinned to core 0 in a second namespace (10.99.0.2). Both namespaces are created by the bench and deleted after it, so no packet leaves them. The Guichet server for joins, idle load and first frame runs on 127.0.0.1 in the second namespace, on core 1.',
    '',
    table,
    '',
    ...details,
  ].join('\n');

  let notes = '';
  if (existsSync(path)) {
    const old = readFileSync(path, 'utf8');
    const at = old.indexOf(NOTES_MARKER);
    if (at >= 0) notes = old.slice(at + NOTES_MARKER.length);
  }
  writeFileSync(path, `${generated}\n${NOTES_MARKER}${notes || '\n'}`);

  log('\n' + table);
  log(`\nwritten to ${path}`);
}

function janusWhy(r: BenchResults): string {
  const steps = ok(r.janus);
  if (!steps) return why(r.janus) || 'not run';
  const last = steps[steps.length - 1];
  return last
    ? `${last.connected}/${last.viewers} werift viewers connected, loss ${f(last.loss * 100)} %`
    : 'no step';
}
