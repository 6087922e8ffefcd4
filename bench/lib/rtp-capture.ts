import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { percentile } from './proc.js';
import { readRtpCapture } from '../../test/sip/pcap.js';

/*
 * The 20 ms pacing, measured from outside the gateway: tcpdump on loopback
 * records the kernel's timestamp of every RTP packet the gateway sends
 * toward the callers (on loopback, the moment the packet leaves the
 * sending socket), so neither the callers' load nor the gateway's own
 * bookkeeping is in the figure.
 */

export interface PacingFromWire {
  streams: number;
  packets: number;
  /** Per stream, packets per second over the window (50 when every frame is sent). */
  minPacketsPerSecond: number;
  /** |inter-arrival − 20 ms| over every consecutive pair of every stream, in ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Sequence gaps: packets the gateway never sent, or the capture lost. */
  gaps: number;
  droppedByCapture: number;
}

export class RtpCapture {
  #dropped = 0;
  private constructor(
    readonly child: ChildProcess,
    readonly file: string,
    readonly exited: Promise<void>,
  ) {}

  /** Captures the UDP toward the callers' media ports (`36000-36990`) on lo (only the gateway sends there); resolves once tcpdump listens. */
  static async start(file: string, callersPorts: string, core: string): Promise<RtpCapture> {
    const child = spawn(
      'taskset',
      [
        '-c',
        core,
        'tcpdump',
        '-i',
        'lo',
        '-n',
        '-s',
        '96',
        '-B',
        '16384',
        '-w',
        file,
        `udp and dst portrange ${callersPorts}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const capture = new RtpCapture(child, file, exited);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start in 10 s')), 10_000);
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (/listening on/.test(line)) {
          clearTimeout(timer);
          resolve();
        }
        const dropped = /(\d+) packets dropped by kernel/.exec(line);
        if (dropped) capture.#dropped = Number(dropped[1]);
      });
      child.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}`)));
    });
    return capture;
  }

  /** Stops tcpdump and reads the packets between `fromMs` and `toMs` (epoch ms). */
  async stop(fromMs: number, toMs: number): Promise<PacingFromWire> {
    this.child.kill('SIGINT');
    await this.exited;
    return analyse(
      readRtpCapture(this.file).filter((p) => p.us >= fromMs * 1000 && p.us <= toMs * 1000),
      (toMs - fromMs) / 1000,
      this.#dropped,
    );
  }
}

export function analyse(
  packets: ReturnType<typeof readRtpCapture>,
  seconds: number,
  droppedByCapture: number,
): PacingFromWire {
  const byStream = new Map<number, typeof packets>();
  for (const p of packets) {
    const list = byStream.get(p.srcPort) ?? [];
    list.push(p);
    byStream.set(p.srcPort, list);
  }
  const deviations: number[] = [];
  let gaps = 0;
  let minRate = Infinity;
  for (const list of byStream.values()) {
    list.sort((a, b) => a.us - b.us);
    minRate = Math.min(minRate, list.length / seconds);
    for (let i = 1; i < list.length; i++) {
      const step = (list[i]!.seq - list[i - 1]!.seq) & 0xffff;
      if (step !== 1) {
        gaps += step === 0 ? 0 : step - 1;
        continue;
      }
      deviations.push(Math.abs((list[i]!.us - list[i - 1]!.us) / 1000 - 20));
    }
  }
  return {
    streams: byStream.size,
    packets: packets.length,
    minPacketsPerSecond: byStream.size ? minRate : 0,
    p50Ms: percentile(deviations, 50),
    p99Ms: percentile(deviations, 99),
    maxMs: percentile(deviations, 100),
    gaps,
    droppedByCapture,
  };
}
