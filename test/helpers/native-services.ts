import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { vi } from 'vitest';

/*
 * The services docker-compose runs next to Guichet (Redis, coturn), started
 * natively from Debian's binaries on 127.0.0.1, for tests that check the
 * deployment files themselves. Each is a child process the test owns and
 * stops; readiness is polled against a deadline, never slept for.
 */

export const REDIS_SERVER = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';
export const TURNSERVER = process.env['TURNSERVER_PATH'] ?? '/usr/bin/turnserver';

const STARTUP = { timeout: 15_000, interval: 100 };

/** A child process whose output is kept, to print when a test fails. */
export interface LoggedProcess {
  readonly pid: number | undefined;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Exit code, or the signal's name, once exited; undefined while it runs. */
  exitStatus(): number | string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when a signal ended it). Idempotent. */
  stop(graceMs?: number): Promise<number | null>;
}

export function spawnLogged(command: string, args: readonly string[]): LoggedProcess {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  let status: number | string | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      status = code ?? signal ?? 'unknown';
      resolve(code);
    });
    child.once('error', (error) => {
      chunks.push(`spawn ${command}: ${error.message}\n`);
      status = 'spawn-error';
      resolve(null);
    });
  });
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  let stopping: Promise<number | null> | undefined;
  return {
    pid: child.pid,
    output: () => chunks.join(''),
    exitStatus: () => status,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (status !== undefined) return exited;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
        if ((await Promise.race([exited, late])) === 'late') child.kill('SIGKILL');
        clearTimeout(timer);
        return exited;
      })();
      return stopping;
    },
  };
}

async function isFree(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    return new Promise((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
  }
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port nobody listens on right now (the kernel's choice). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port bound');
  return address.port;
}

/** `count` consecutive ports, each free on both UDP and TCP (a mediasoup worker takes one of each). */
export async function freePortRange(count: number, from = 20_000, to = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = from + Math.floor(Math.random() * (to - from - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.flatMap((p) => [isFree(p, 'udp'), isFree(p, 'tcp')]));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports between ${from} and ${to}`);
}

async function redisAnswers(port: number): Promise<boolean> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * redis-server with the given arguments (compose's, typically) plus a
 * loopback port and `dir` as its working folder (what the compose volume
 * is). Resolves once it answers PING.
 */
export async function startRedis(
  dir: string,
  args: readonly string[],
): Promise<{ port: number; url: string; process: LoggedProcess }> {
  const port = await freeTcpPort();
  const redis = spawnLogged(REDIS_SERVER, [
    ...args,
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
  ]);
  await vi.waitFor(async () => {
    if (redis.exitStatus() !== undefined)
      throw new Error(`redis-server exited (${redis.exitStatus()}): ${redis.output()}`);
    if (!(await redisAnswers(port))) throw new Error(`redis-server not answering on ${port} yet`);
  }, STARTUP);
  return { port, url: `redis://127.0.0.1:${port}`, process: redis };
}

/** One STUN Binding request (RFC 5389): resolves true if the server answers within `ms`. */
export async function stunAnswers(port: number, ms: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  randomBytes(12).copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      socket.on('message', (answer) => {
        clearTimeout(timer);
        resolve(answer.readUInt16BE(0) === 0x0101 && answer.subarray(8, 20).equals(request.subarray(8, 20)));
      });
      socket.on('error', () => resolve(false));
      socket.send(request, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

/**
 * Debian's turnserver on `config` (written to `dir`, readable by its owner
 * only: it holds the secret), listening on UDP `port` of 127.0.0.1.
 * Resolves once it answers a STUN Binding request there.
 */
export async function startCoturn(
  dir: string,
  config: string,
  port: number,
): Promise<{ configPath: string; process: LoggedProcess }> {
  const configPath = join(dir, 'turnserver.conf');
  await writeFile(configPath, config, { mode: 0o600 });
  const coturn = spawnLogged(TURNSERVER, ['-c', configPath]);
  await vi.waitFor(async () => {
    if (coturn.exitStatus() !== undefined)
      throw new Error(`turnserver exited (${coturn.exitStatus()}): ${coturn.output()}`);
    if (!(await stunAnswers(port, 200))) throw new Error(`turnserver not answering STUN on ${port} yet`);
  }, STARTUP);
  return { configPath, process: coturn };
}
