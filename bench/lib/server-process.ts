import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { rssBytes } from './proc.js';

const ReadySchema = z.object({
  ready: z.literal(true),
  url: z.string(),
  pid: z.number(),
  workerPids: z.array(z.number()),
  agentToken: z.string(),
});

const RoomSchema = z.object({ roomId: z.string(), password: z.string(), joinUrl: z.string() });
export type BenchRoom = z.infer<typeof RoomSchema>;

/** bench/lib/guichet-server.ts as a child process, pinned to `core`. */
export class BenchServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly pid: number;
  readonly workerPids: number[];
  readonly #token: string;

  private constructor(child: ChildProcess, ready: z.infer<typeof ReadySchema>) {
    this.child = child;
    this.url = ready.url;
    this.pid = ready.pid;
    this.workerPids = ready.workerPids;
    this.#token = ready.agentToken;
  }

  static start(core: string): Promise<BenchServer> {
    // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server.
    const extra = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
    const args = ['-c', core, process.execPath, ...extra, '--import', 'tsx', 'bench/lib/guichet-server.ts'];
    const child = spawn('taskset', args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench server did not start in 30 s')), 30_000);
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const ready = ReadySchema.safeParse(
          (() => {
            try {
              return JSON.parse(line) as unknown;
            } catch {
              return null;
            }
          })(),
        );
        if (!ready.success) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(new BenchServer(child, ready.data));
      });
    });
  }

  /** Node process plus its mediasoup workers. */
  rss(): number {
    return [this.pid, ...this.workerPids].reduce((sum, pid) => sum + rssBytes(pid), 0);
  }

  async createRoom(): Promise<BenchRoom> {
    const response = await fetch(`${this.url}/api/v1/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'bench' }),
    });
    if (response.status !== 201) throw new Error(`createRoom: HTTP ${response.status}`);
    return RoomSchema.parse(await response.json());
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}
