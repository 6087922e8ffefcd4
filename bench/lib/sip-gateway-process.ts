import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { stopChild } from './server-process.js';

const ReadySchema = z.object({ ready: z.literal(true), pid: z.number(), port: z.number() });
const StatsSchema = z.object({
  stats: z.literal(true),
  activeCalls: z.number(),
  admitted: z.number(),
  sentFrames: z.number(),
  /** null when the pacer thread did not answer within 2 s. */
  pacing: z.object({ ticks: z.number(), p50: z.number(), p99: z.number(), max: z.number() }).nullable(),
});
export type GatewayStats = z.infer<typeof StatsSchema>;

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU of each thread of a process, in µs, by thread id (main thread: tid = pid). */
export function threadMicros(pid: number): Map<number, { name: string; us: number }> {
  const out = new Map<number, { name: string; us: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command name's ')': utime is the 12th, stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      out.set(tid, { name, us: (ticks * 1e6) / TICKS_PER_SECOND });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * A phone gateway process for the bench, pinned to one core: the script
 * prints a JSON ready line ({ready, pid, port}) and answers "stats" on stdin.
 */
export class GatewayProcess {
  readonly #lines: ((line: string) => void)[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly pid: number,
    readonly port: number,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      // BENCH_SIP_DEBUG=1: the gateway's own log lines (pino, on stdout) too.
      if (process.env['BENCH_SIP_DEBUG'] === '1' && !line.startsWith('{"stats"')) console.error(line);
      for (const listener of this.#lines) listener(line);
    });
  }

  static start(core: string, script: string, env: Record<string, string>): Promise<GatewayProcess> {
    // BENCH_SIP_CPU_PROF=<dir>: the gateway writes a V8 CPU profile there when it stops.
    const profileDir = process.env['BENCH_SIP_CPU_PROF'];
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const child = spawn('taskset', ['-c', core, process.execPath, ...profile, '--import', 'tsx', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start in 30 s`)), 30_000);
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const ready = ReadySchema.safeParse(parseJson(line));
        if (!ready.success) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        lines.close();
        resolve(new GatewayProcess(child, ready.data.pid, ready.data.port));
      });
    });
  }

  stats(): Promise<GatewayStats> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('gateway stats: no answer in 20 s')), 20_000);
      const listener = (line: string): void => {
        const stats = StatsSchema.safeParse(parseJson(line));
        if (!stats.success) return;
        clearTimeout(timer);
        this.#lines.splice(this.#lines.indexOf(listener), 1);
        resolve(stats.data);
      };
      this.#lines.push(listener);
      this.child.stdin?.write('stats\n');
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
