import { Janus } from './lib/janus.js';
import { MediasoupSfu } from './lib/mediasoup-sfu.js';
import { cpuWindow, percentile, pin, sleep } from './lib/proc.js';
import { AUDIO_PT, RtpSource, VIDEO_PT } from './lib/rtp.js';
import { WeriftViewer } from './lib/werift-viewer.js';

/*
 * Realistic tier: N werift viewers (ICE + DTLS + SRTP) per SFU, the same
 * plain RTP source, our SFU then Janus's streaming plugin, each pinned to
 * the same core. Each viewer has 2 consumers (Opus, VP8). werift decrypts
 * SRTP in JavaScript, so the load generator, not the SFU, bounds N here.
 */

export type SfuName = 'guichet (mediasoup)' | 'janus';

export interface WebRtcStep {
  sfu: SfuName;
  viewers: number;
  consumers: number;
  connected: number;
  packetsOutPerSec: number;
  sfuCpu: number;
  usPerPacket: number;
  loss: number;
  generatorCpu: number;
  latencyP50Us: number;
  latencyP99Us: number;
}

export interface WebRtcOptions {
  sfuIp: string;
  loadIp: string;
  iface: string;
  sfuCore: number;
  viewerSteps: number[];
  warmupMs: number;
  windowMs: number;
  deadline: number;
  log: (line: string) => void;
}

interface Harness {
  pid: number;
  addViewer(viewer: WeriftViewer): Promise<void>;
  close(): void;
}

async function startHarness(sfu: SfuName, o: WebRtcOptions, source: RtpSource): Promise<Harness> {
  if (sfu === 'janus') {
    const janus = await Janus.start({
      sfuIp: o.sfuIp,
      iface: o.iface,
      httpPort: 8088,
      audioPort: 5002,
      videoPort: 5004,
      core: o.sfuCore,
    });
    source.addTarget(o.sfuIp, 5002, 'audio');
    source.addTarget(o.sfuIp, 5004, 'video');
    return {
      pid: janus.pid,
      addViewer: (viewer) => janus.watch((offer) => viewer.answer(offer)),
      close: () => janus.close(),
    };
  }
  const ms = await MediasoupSfu.start(o.sfuIp, 40100, source);
  pin(ms.worker.pid, o.sfuCore);
  return { pid: ms.worker.pid, addViewer: (viewer) => ms.addWebRtcViewer(viewer), close: () => ms.close() };
}

export async function runWebRtcForwarding(sfu: SfuName, o: WebRtcOptions): Promise<WebRtcStep[]> {
  const steps: WebRtcStep[] = [];
  const source = await RtpSource.create(o.loadIp);
  const harness = await startHarness(sfu, o, source);
  const viewers: WeriftViewer[] = [];
  try {
    for (const n of o.viewerSteps) {
      if (Date.now() > o.deadline) break;
      while (viewers.length < n) {
        const viewer = new WeriftViewer(o.loadIp, AUDIO_PT, VIDEO_PT);
        viewers.push(viewer);
        await harness.addViewer(viewer);
      }
      // Wait for ICE + DTLS of every viewer (bounded), then let keyframes arrive.
      const connectDeadline = Date.now() + 10_000;
      while (viewers.some((v) => !v.connected) && Date.now() < connectDeadline) await sleep(100);
      await sleep(o.warmupMs);
      const before = viewers.map((v) => v.stats.packets);
      const sent0 = source.counters.audio + source.counters.video;
      for (const v of viewers) {
        v.stats.latenciesUs.length = 0;
        v.sampleLatency = true;
      }
      const cpu = cpuWindow(harness.pid);
      const gen0 = process.cpuUsage();
      const t0 = performance.now();
      await sleep(o.windowMs);
      const window = cpu.stop();
      const gen = process.cpuUsage(gen0);
      const seconds = (performance.now() - t0) / 1000;
      const sent = source.counters.audio + source.counters.video - sent0;
      await sleep(100);
      for (const v of viewers) v.sampleLatency = false;
      const received = viewers.reduce((sum, v, i) => sum + v.stats.packets - (before[i] ?? 0), 0);
      const latencies = viewers.flatMap((v) => v.stats.latenciesUs);
      const step: WebRtcStep = {
        sfu,
        viewers: n,
        consumers: 2 * n,
        connected: viewers.filter((v) => v.connected).length,
        packetsOutPerSec: received / seconds,
        sfuCpu: window.share,
        usPerPacket: window.cpuUs / Math.max(1, received),
        loss: Math.max(0, 1 - received / Math.max(1, sent * n)),
        generatorCpu: (gen.user + gen.system) / (seconds * 1e6),
        latencyP50Us: percentile(latencies, 50),
        latencyP99Us: percentile(latencies, 99),
      };
      steps.push(step);
      o.log(
        `  ${sfu.padEnd(19)} ${String(n).padStart(3)} viewers (${step.connected} connected): ` +
          `${Math.round(step.packetsOutPerSec)} pkt/s out, SFU ${(step.sfuCpu * 100).toFixed(1)} %, ` +
          `${step.usPerPacket.toFixed(1)} µs/pkt, loss ${(step.loss * 100).toFixed(2)} %, ` +
          `latency p50 ${(step.latencyP50Us / 1000).toFixed(2)} ms p99 ${(step.latencyP99Us / 1000).toFixed(2)} ms, ` +
          `generator ${(step.generatorCpu * 100).toFixed(0)} %`,
      );
      if (step.generatorCpu > 0.9) {
        o.log('  (load generator saturated: stopping this tier)');
        break;
      }
    }
  } finally {
    for (const v of viewers) await v.close();
    harness.close();
    source.close();
  }
  return steps;
}
