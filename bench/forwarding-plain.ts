import { MediasoupSfu } from './lib/mediasoup-sfu.js';
import { cpuWindow, percentile, pin, sleep, udpCounters } from './lib/proc.js';
import { RtpSink, RtpSource } from './lib/rtp.js';

/*
 * Lighter tier: our SFU forwarding to N consumers on PlainTransports.
 * SRTP on (what a real client costs the worker to encrypt) for CPU per
 * packet and capacity; SRTP off at a moderate N for the latency the SFU adds
 * (the receiver can read the send time only from a clear payload).
 */

export interface PlainStep {
  consumers: number;
  packetsOutPerSec: number;
  workerCpu: number;
  usPerPacket: number;
  loss: number;
  generatorCpu: number;
  rcvbufErrors: number;
  /** Datagrams the kernel dropped because the SFU's own socket was full (it fell behind reading). */
  sfuRcvbufErrors: number;
  ok: boolean;
}

export interface LatencyResult {
  consumers: number;
  samples: number;
  throughSfuP50Us: number;
  throughSfuP99Us: number;
  directP50Us: number;
  directP99Us: number;
  addedP50Us: number;
  addedP99Us: number;
}

export interface PlainResult {
  steps: PlainStep[];
  /** Most consumers of a passing step (≤ cpu limit, loss < limit). */
  maxConsumers: number;
  /** Median µs/packet over passing steps with ≥ 200 consumers (or all passing). */
  usPerPacket: number;
  /** 0.8 core / (µs per packet × packets per consumer per second). */
  extrapolatedConsumersAt80: number;
  packetsPerConsumerPerSec: number;
  latency: LatencyResult | null;
  stoppedBecause: string;
}

export interface PlainOptions {
  sfuIp: string;
  loadIp: string;
  sfuCore: number;
  steps: number[];
  warmupMs: number;
  windowMs: number;
  maxCpu: number;
  maxLoss: number;
  latencyConsumers: number;
  deadline: number;
  log: (line: string) => void;
}

const SINK_SOCKETS = 8;

export async function runPlainForwarding(o: PlainOptions): Promise<PlainResult> {
  const steps: PlainStep[] = [];
  // Latency first, at a moderate load, so a slow ramp can't eat its time.
  const latencySink = await RtpSink.create(o.loadIp, SINK_SOCKETS);
  const latency = await measureLatency(o, latencySink);
  latencySink.close();
  let stoppedBecause = 'all steps passed';
  const source = await RtpSource.create(o.loadIp);
  const sink = await RtpSink.create(o.loadIp, SINK_SOCKETS);
  const sfu = await MediasoupSfu.start(o.sfuIp, 0, source);
  pin(sfu.worker.pid, o.sfuCore);
  let subscribers = 0;
  try {
    for (const consumers of o.steps) {
      if (Date.now() > o.deadline) {
        stoppedBecause = 'time budget reached';
        break;
      }
      const ports = sink.ports();
      while (subscribers * 2 < consumers) {
        await sfu.addPlainSubscriber(o.loadIp, ports[subscribers % ports.length]!, true);
        subscribers += 1;
      }
      await sleep(o.warmupMs);
      const step = await measure(sfu.worker.pid, source, sink, subscribers, o.windowMs);
      step.ok = step.workerCpu <= o.maxCpu && step.loss < o.maxLoss;
      steps.push(step);
      o.log(
        `  plain+SRTP ${String(step.consumers).padStart(5)} consumers: ${Math.round(step.packetsOutPerSec)} pkt/s out, ` +
          `worker ${(step.workerCpu * 100).toFixed(1)} %, ${step.usPerPacket.toFixed(2)} µs/pkt, ` +
          `loss ${(step.loss * 100).toFixed(2)} %, generator ${(step.generatorCpu * 100).toFixed(0)} %, ` +
          `drops: receivers ${step.rcvbufErrors}, SFU socket ${step.sfuRcvbufErrors}`,
      );
      if (!step.ok) {
        stoppedBecause =
          step.workerCpu > o.maxCpu
            ? `worker CPU above ${o.maxCpu * 100} % at ${step.consumers} consumers`
            : `loss ≥ ${o.maxLoss * 100} % at ${step.consumers} consumers` +
              (step.generatorCpu > 0.9 ? ' (load generator saturated)' : '');
        break;
      }
    }
  } finally {
    sfu.close();
  }

  const passing = steps.filter((s) => s.ok);
  const big = passing.filter((s) => s.consumers >= 200);
  const usPerPacket = percentile(
    (big.length ? big : passing).map((s) => s.usPerPacket),
    50,
  );
  // What one consumer gets when nothing is lost: taken from the passing steps.
  const packetsPerConsumerPerSec = percentile(
    passing.map((s) => s.packetsOutPerSec / s.consumers),
    50,
  );

  source.close();
  sink.close();
  return {
    steps,
    maxConsumers: passing.length ? passing[passing.length - 1]!.consumers : 0,
    usPerPacket,
    extrapolatedConsumersAt80: (0.8 * 1e6) / (usPerPacket * packetsPerConsumerPerSec),
    packetsPerConsumerPerSec,
    latency,
    stoppedBecause,
  };
}

async function measure(
  workerPid: number,
  source: RtpSource,
  sink: RtpSink,
  subscribers: number,
  windowMs: number,
): Promise<PlainStep> {
  const sent0 = source.counters.audio + source.counters.video;
  const rx0 = sink.received;
  const udp0 = udpCounters();
  const sfuUdp0 = udpCounters(workerPid);
  const cpu = cpuWindow(workerPid);
  const gen0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(windowMs);
  const window = cpu.stop();
  const gen = process.cpuUsage(gen0);
  const seconds = (performance.now() - t0) / 1000;
  // Let packets in flight at the end of the window land before counting.
  const sent = source.counters.audio + source.counters.video - sent0;
  await sleep(50);
  const received = sink.received - rx0;
  const expected = sent * subscribers;
  const udp1 = udpCounters();
  const sfuUdp1 = udpCounters(workerPid);
  return {
    consumers: subscribers * 2,
    packetsOutPerSec: received / seconds,
    workerCpu: window.share,
    usPerPacket: window.cpuUs / Math.max(1, received),
    loss: Math.max(0, 1 - received / Math.max(1, expected)),
    generatorCpu: (gen.user + gen.system) / (seconds * 1e6),
    rcvbufErrors: udp1.rcvbufErrors - udp0.rcvbufErrors,
    sfuRcvbufErrors: sfuUdp1.rcvbufErrors - sfuUdp0.rcvbufErrors,
    ok: false,
  };
}

/** SRTP off: the sink reads each payload's send time. Baseline: the same source straight into the sink. */
async function measureLatency(o: PlainOptions, sink: RtpSink): Promise<LatencyResult | null> {
  if (Date.now() > o.deadline) return null;
  const ms = Math.min(o.windowMs, 4000);
  await sleep(500); // let the SRTP phase's last packets drain
  // Direct path first: source → sink, no SFU.
  const direct = await RtpSource.create(o.loadIp);
  direct.addTarget(o.loadIp, sink.ports()[0]!);
  sink.measureLatency(100, 101);
  await sleep(ms);
  sink.stopLatency();
  direct.close();
  const directSamples = [...sink.latenciesUs];
  await sleep(100);

  const source = await RtpSource.create(o.loadIp);
  const sfu = await MediasoupSfu.start(o.sfuIp, 0, source);
  pin(sfu.worker.pid, o.sfuCore);
  try {
    const ports = sink.ports();
    let pts = { audioPt: 100, videoPt: 101 };
    for (let i = 0; i < o.latencyConsumers / 2; i += 1) {
      pts = await sfu.addPlainSubscriber(o.loadIp, ports[i % ports.length]!, false);
    }
    await sleep(o.warmupMs);
    sink.measureLatency(pts.audioPt, pts.videoPt);
    await sleep(ms);
    sink.stopLatency();
  } finally {
    sfu.close();
    source.close();
  }
  const through = [...sink.latenciesUs];
  const r = {
    consumers: o.latencyConsumers,
    samples: through.length,
    throughSfuP50Us: percentile(through, 50),
    throughSfuP99Us: percentile(through, 99),
    directP50Us: percentile(directSamples, 50),
    directP99Us: percentile(directSamples, 99),
    addedP50Us: 0,
    addedP99Us: 0,
  };
  r.addedP50Us = r.throughSfuP50Us - r.directP50Us;
  r.addedP99Us = r.throughSfuP99Us - r.directP99Us;
  o.log(
    `  latency (plain RTP, ${o.latencyConsumers} consumers): through SFU p50 ${r.throughSfuP50Us.toFixed(0)} µs ` +
      `p99 ${r.throughSfuP99Us.toFixed(0)} µs; direct p50 ${r.directP50Us.toFixed(0)} p99 ${r.directP99Us.toFixed(0)}`,
  );
  return r;
}
