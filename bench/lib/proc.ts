import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every Linux we run). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process, in µs (all its threads). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ')': field 3 is index 0, so utime (14) is index 11 and stime (15) index 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Pin a running process (all its threads) to one core. */
export function pin(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-pc', String(core), String(pid)], { stdio: 'ignore' });
}

export interface CpuWindow {
  stop(): { cpuUs: number; wallUs: number; share: number };
}

export function cpuWindow(pid: number): CpuWindow {
  const cpu0 = cpuMicros(pid);
  const t0 = performance.now();
  return {
    stop() {
      const cpuUs = cpuMicros(pid) - cpu0;
      const wallUs = (performance.now() - t0) * 1000;
      return { cpuUs, wallUs, share: cpuUs / wallUs };
    },
  };
}

/** Kernel UDP counters of a network namespace: ours, or the one process `pid` is in. */
export function udpCounters(pid?: number): {
  inDatagrams: number;
  rcvbufErrors: number;
  sndbufErrors: number;
} {
  const file = pid === undefined ? '/proc/net/snmp' : `/proc/${pid}/net/snmp`;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = (lines[0] ?? '').split(/\s+/).slice(1);
  const values = (lines[1] ?? '').split(/\s+/).slice(1).map(Number);
  const get = (name: string): number => values[names.indexOf(name)] ?? 0;
  return {
    inDatagrams: get('InDatagrams'),
    rcvbufErrors: get('RcvbufErrors'),
    sndbufErrors: get('SndbufErrors'),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface Machine {
  model: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  node: string;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  loadAverage: number;
}

export function machine(): Machine {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const lscpu = execFileSync('lscpu', { env: { ...process.env, LC_ALL: 'C' } }).toString();
    model = /^Model name:\s+(.+)$/m.exec(lscpu)?.[1]?.trim() ?? model;
  } catch {
    // lscpu missing: os.cpus() is good enough.
  }
  return {
    model,
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: execFileSync('uname', ['-r']).toString().trim(),
    node: process.version,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Datagrams each UDP socket of this network namespace dropped (its receive
 * buffer was full), by local port, from /proc/net/udp's last column.
 */
export function udpDropsByPort(): Map<number, number> {
  const drops = new Map<number, number>();
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const dropped = Number(fields[fields.length - 1]);
    if (!local || !Number.isFinite(dropped)) continue;
    const port = parseInt(local.split(':')[1] ?? '', 16);
    drops.set(port, (drops.get(port) ?? 0) + dropped);
  }
  return drops;
}
