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

/**
 * A bench script as a child process pinned to `core`, resolved once it
 * prints its JSON "ready" line (which `schema` checks).
 */
export function spawnReady<T>(
  core: string,
  script: string,
  schema: z.ZodType<T>,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; ready: T }> {
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server.
  const extra = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const args = ['-c', core, process.execPath, ...extra, '--import', 'tsx', script];
  const child = spawn('taskset', args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = schema.safeParse(
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
      resolve({ child, ready: ready.data });
    });
  });
}

/** Stops a bench child: SIGTERM, then SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

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

  /** `env`: BENCH_PORT, BENCH_REDIS_URL… (bench/lib/guichet-server.ts), for several nodes. */
  static async start(core: string, env: Record<string, string> = {}): Promise<BenchServer> {
    const { child, ready } = await spawnReady(core, 'bench/lib/guichet-server.ts', ReadySchema, env);
    return new BenchServer(child, ready);
  }

  /** The agent token the server minted (bench/lib/guichet-server.ts), for REST calls and agent joins. */
  get agentToken(): string {
    return this.#token;
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
    return stopChild(this.child);
  }
}
