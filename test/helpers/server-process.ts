import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The real server as a separate OS process (node + tsx on the sources), for multi-process tests. */
export class ServerProcess {
  readonly url: string;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
  }

  static start(env: Record<string, string>, startupMs = 45_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        MEDIA_WORKERS: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server process did not start in ${startupMs} ms: ${stderr}`));
      }, startupMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server process exited with ${code}: ${stderr}`));
      });
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.includes('"guichet listening"')) return;
        const url: unknown = JSON.parse(line).url;
        if (typeof url !== 'string') return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(new ServerProcess(child, url));
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Ends the process (SIGKILL: no graceful anything) and waits for it. Idempotent. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.#child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.#child.once('exit', (code) => resolve(code)));
    this.#child.kill(signal);
    return exited;
  }
}
