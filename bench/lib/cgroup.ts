import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * A CPU budget for a set of processes, with cgroup v1 (the bench machine
 * mounts `cpu` and `cpuacct` as two hierarchies under /sys/fs/cgroup). The
 * `cpu` group caps the processes at `cores` (CFS quota per period) and
 * weighs them with `shares` against the machine's other work, so the budget
 * is actually delivered on a shared machine; the `cpuacct` group of the same
 * name counts what they used. Needs root. Processes added keep their
 * children in the group (a child starts where its parent is).
 */

const CPU_ROOT = process.env['BENCH_CGROUP_CPU'] ?? '/sys/fs/cgroup/cpu';
const CPUACCT_ROOT = process.env['BENCH_CGROUP_CPUACCT'] ?? '/sys/fs/cgroup/cpuacct';
/*
 * A short CFS period (10 ms, the kernel's default is 100 ms): a group that
 * spends its quota early in a period is stopped for the rest of it, and a
 * worker stopped for 50 ms overflows its socket buffers, which a real core
 * half as fast would not do. 10 ms bounds that stall at 5 ms for half a core.
 */
const PERIOD_US = Number(process.env['BENCH_CGROUP_PERIOD_US'] ?? 10_000);

export interface CpuBudgetOptions {
  /** Cores the group may use (0.5 = half a core); null: no cap, only accounting and weight. */
  cores: number | null;
  /** cpu.shares (1024 is one ordinary process's weight). */
  shares: number;
}

export class CpuBudgetGroup {
  readonly name: string;
  readonly cores: number | null;
  readonly #cpuDir: string;
  readonly #acctDir: string;

  private constructor(name: string, cores: number | null) {
    this.name = name;
    this.cores = cores;
    this.#cpuDir = join(CPU_ROOT, name);
    this.#acctDir = join(CPUACCT_ROOT, name);
  }

  /** Whether this machine offers cgroup v1 cpu + cpuacct to us (root, both hierarchies writable). */
  static available(): boolean {
    return (
      process.getuid?.() === 0 &&
      existsSync(join(CPU_ROOT, 'cgroup.procs')) &&
      existsSync(join(CPUACCT_ROOT, 'cpuacct.usage'))
    );
  }

  static create(name: string, options: CpuBudgetOptions): CpuBudgetGroup {
    const group = new CpuBudgetGroup(name, options.cores);
    mkdirSync(group.#cpuDir, { recursive: true });
    mkdirSync(group.#acctDir, { recursive: true });
    writeFileSync(join(group.#cpuDir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(
      join(group.#cpuDir, 'cpu.cfs_quota_us'),
      options.cores === null ? '-1' : String(Math.round(options.cores * PERIOD_US)),
    );
    writeFileSync(join(group.#cpuDir, 'cpu.shares'), String(options.shares));
    return group;
  }

  /** A group made earlier (to remove it). */
  static existing(name: string): CpuBudgetGroup {
    return new CpuBudgetGroup(name, null);
  }

  /** Moves a process (all its threads) into the group, in both hierarchies. */
  add(pid: number): void {
    writeFileSync(join(this.#cpuDir, 'cgroup.procs'), String(pid));
    writeFileSync(join(this.#acctDir, 'cgroup.procs'), String(pid));
  }

  pids(): number[] {
    return readFileSync(join(this.#cpuDir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  }

  /** CPU time used by the group's processes since it was made, in ns. */
  usageNs(): number {
    return Number(readFileSync(join(this.#acctDir, 'cpuacct.usage'), 'utf8').trim());
  }

  /** Periods in which the quota ran out, and the time spent throttled (ns). */
  throttling(): { periods: number; throttled: number; throttledNs: number } {
    const stat = readFileSync(join(this.#cpuDir, 'cpu.stat'), 'utf8');
    const get = (key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0);
    return { periods: get('nr_periods'), throttled: get('nr_throttled'), throttledNs: get('throttled_time') };
  }

  /**
   * Moves whatever is still inside back to the root groups and deletes both
   * directories. Safe to call twice and on a half-made group.
   */
  remove(): void {
    for (const [root, dir] of [
      [CPU_ROOT, this.#cpuDir],
      [CPUACCT_ROOT, this.#acctDir],
    ] as const) {
      // A process that is exiting can still be listed for a moment: retry for up to 5 s.
      for (let attempt = 0; existsSync(dir); attempt += 1) {
        const left = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
        for (const pid of left) {
          try {
            writeFileSync(join(root, 'cgroup.procs'), pid);
          } catch {
            // The process exited in between.
          }
        }
        try {
          rmdirSync(dir);
        } catch (error) {
          if (attempt >= 50) throw new Error(`${dir} still holds ${left.join(', ')}`, { cause: error });
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        }
      }
    }
  }
}

/**
 * Groups a previous run left behind: named `<prefix><pid>-…` where that pid
 * (the run's own process) is gone. Another run still going keeps its groups.
 */
export function removeStaleGroups(prefix: string): string[] {
  const removed = new Set<string>();
  for (const root of [CPU_ROOT, CPUACCT_ROOT]) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.startsWith(prefix)) continue;
      const owner = Number(/^(\d+)-/.exec(entry.name.slice(prefix.length))?.[1]);
      if (Number.isInteger(owner) && existsSync(`/proc/${owner}`)) continue;
      CpuBudgetGroup.existing(entry.name).remove();
      removed.add(entry.name);
    }
  }
  return [...removed];
}
