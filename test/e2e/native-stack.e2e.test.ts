import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../server/config.js';
import { EnvShape } from '../../server/config-schema.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { connectedPaths, recordPeerConnections } from '../helpers/ice-path.js';
import {
  freePortRange,
  freeTcpPort,
  startCoturn,
  startRedis,
  type LoggedProcess,
} from '../helpers/native-services.js';
import { ServerProcess } from '../helpers/server-process.js';
import { MEDIA_DEADLINE_MS, expectMediaFlowing, fillAndJoin, waitForCallView } from './guichet-page.js';

/*
 * The processes docker-compose.yml runs, started natively: guichet (node on
 * the sources), Debian's redis-server and Debian's turnserver (coturn), each
 * from the shipped files: the environment is deploy/env.example with its
 * CHANGE-ME secrets filled in and compose's `environment:` applied, coturn
 * runs deploy/coturn/turnserver.conf with the lines compose appends, Redis
 * gets compose's command. Only what loopback needs is changed, each change
 * said below. Then: /health, /ready, /metrics, a call between two browsers
 * through coturn only, and SIGTERM. Run it inside a loopback-only network
 * namespace, like every browser test (nothing else is reachable there: this
 * file starts its own Redis).
 */

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

const ComposeSchema = z.object({
  services: z.object({
    guichet: z.object({ environment: z.record(z.string(), z.string()) }),
    redis: z.object({ command: z.array(z.string()) }),
    coturn: z.object({
      environment: z.record(z.string(), z.string()),
      command: z.union([z.string(), z.array(z.string())]),
    }),
  }),
});
const compose = ComposeSchema.parse(parse(read('docker-compose.yml')));

/** `cp deploy/env.example .env`: the uncommented KEY=value lines. */
function dotEnvFromExample(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of read('deploy/env.example').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? '';
  }
  return env;
}

/** Compose's `${NAME}`, `${NAME:-x}`, `${NAME:?x}` against .env. */
const interpolate = (value: string, dotEnv: Record<string, string>): string =>
  value.replace(/\$\{([A-Z][A-Z0-9_]*)[^}]*\}/g, (_, name: string) => dotEnv[name] ?? '');

const interpolateAll = (values: Record<string, string>, dotEnv: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, interpolate(value, dotEnv)]));

/** What `openssl rand -base64 48` is for: a fresh secret (36 random bytes, 48 characters). */
const generatedSecret = (): string => randomBytes(36).toString('base64');

const HealthSchema = z.object({
  status: z.literal('ok'),
  workersAlive: z.number(),
  workersTotal: z.number(),
  workerBin: z.string(),
});
const ReadySchema = z.object({ ready: z.boolean(), reasons: z.array(z.string()) });
const RoomSchema = z.object({ roomId: z.string(), password: z.string(), joinUrl: z.string() });

/** One sample of a Prometheus text exposition: `name value` or `name{labels} value`. */
function sample(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function getText(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

describe('the compose stack, natively, from the shipped deploy files', () => {
  const cleanups: (() => unknown)[] = [];
  const services: { name: string; process: LoggedProcess }[] = [];
  let browsers: TestBrowser[] = [];
  let server: ServerProcess;
  let redis: Redis;
  let publicUrl: string;
  let turnPort: number;
  let agentSecret: string;
  let workers: number;

  beforeAll(async () => {
    // The operator's step: .env from the example, every CHANGE-ME filled with its own secret.
    const dotEnv = dotEnvFromExample();
    const placeholders = Object.keys(dotEnv).filter((key) => dotEnv[key] === 'CHANGE-ME');
    expect(placeholders.sort()).toEqual(['AGENT_JWT_SECRET', 'SECRET_KEY', 'TURN_SECRET']);
    for (const key of placeholders) dotEnv[key] = generatedSecret();
    agentSecret = dotEnv['AGENT_JWT_SECRET'] ?? '';

    const dir = mkdtempSync(join(tmpdir(), 'guichet-native-stack-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const folder = (name: string): string => mkdtempSync(join(dir, `${name}-`));

    // Redis with compose's command (append-only file, fsync every second, RDB
    // snapshots); the folder stands for the redis-data volume.
    const [redisBinary, ...redisArgs] = compose.services.redis.command;
    expect(redisBinary).toBe('redis-server');
    const privateRedis = await startRedis(folder('redis'), redisArgs);
    services.push({ name: 'redis-server', process: privateRedis.process });
    cleanups.push(() => privateRedis.process.stop());
    redis = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
    cleanups.push(() => redis.quit());

    // coturn: the shipped file plus the lines compose's command appends, from the same .env.
    const coturnEnv = interpolateAll(compose.services.coturn.environment, dotEnv);
    const coturnCommand = [compose.services.coturn.command].flat().join(' ');
    const appended = [...coturnCommand.matchAll(/echo "([a-z-]+)=\$\$([A-Z_]+)"/g)].map(
      ([, option = '', variable = '']) => ({ option, value: coturnEnv[variable] ?? '' }),
    );
    expect(appended.map((a) => a.option)).toEqual(['static-auth-secret', 'realm', 'external-ip']);
    turnPort = await freePortRange(1); // coturn takes it on UDP and TCP
    const coturnDir = folder('coturn');
    const coturnConfig = [
      read('deploy/coturn/turnserver.conf'),
      '# Appended as docker-compose.yml does, except external-ip: it maps the relay',
      '# address to MEDIA_ANNOUNCED_ADDRESS behind a NAT; here there is no NAT and',
      "# browsers must get coturn's own 127.0.0.1 in their relay candidates.",
      ...appended.filter((a) => a.option !== 'external-ip').map((a) => `${a.option}=${a.value}`),
      '# Loopback overrides (the test, not the deployment):',
      // compose's coturn uses the host's network and every interface; the namespace has only lo.
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      // 3478 may be taken by a coturn of the machine; later lines win in coturn's config.
      `listening-port=${turnPort}`,
      // The SFU is on 127.0.0.1 here, which the shipped file denies (SSRF guard):
      // allow exactly that address, as the file itself says to do for a private
      // SFU address; loopback additionally needs coturn's own switch.
      'allow-loopback-peers',
      'allowed-peer-ip=127.0.0.1',
      // Isolation from other runs and from the machine's coturn (shipped: /tmp/turnserver.pid,
      // Debian's default database /var/lib/turn/turndb).
      `pidfile=${join(coturnDir, 'turnserver.pid')}`,
      `userdb=${join(coturnDir, 'turndb')}`,
      // Session lines (allocations, permissions, refusals) in the log printed when the test fails.
      'verbose',
      '',
    ].join('\n');
    const coturn = await startCoturn(coturnDir, coturnConfig, turnPort);
    services.push({ name: 'turnserver', process: coturn.process });
    cleanups.push(() => coturn.process.stop());

    // Guichet: .env, then compose's `environment:` (interpolated from .env), then loopback.
    const httpPort = await freeTcpPort();
    publicUrl = `http://127.0.0.1:${httpPort}`;
    const composed = { ...dotEnv, ...interpolateAll(compose.services.guichet.environment, dotEnv) };
    workers = Number(composed['MEDIA_WORKERS']);
    expect(workers).toBeGreaterThan(0);
    const loopback: Record<string, string> = {
      // Compose binds 0.0.0.0 inside the container and publishes 127.0.0.1:3000 only.
      HOST: '127.0.0.1',
      // 3000 may be taken; a free port chosen first, so that PUBLIC_URL can name it.
      PORT: String(httpPort),
      // The address the browsers open: no TLS proxy and no DNS for visio.example.fr here.
      // http://127.0.0.1 is a secure origin, so camera and mic still work.
      PUBLIC_URL: publicUrl,
      // /data is the container's volume.
      DATA_DIR: folder('data'),
      // `redis` is compose's service name; ours is private to this test.
      REDIS_URL: privateRedis.url,
      // Compose listens on every interface and announces the host's public IP
      // (203.0.113.10 in the example, a documentation address nobody reaches).
      // Loopback needs neither: with 127.0.0.1 production requires no announced address.
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_ANNOUNCED_ADDRESS: '',
      // 20000-20001 may be taken; compose's worker count is kept.
      MEDIA_PORT_BASE: String(await freePortRange(workers)),
      // Our coturn instead of visio.example.fr. No turns: without a certificate
      // coturn opens no TLS listener (as the shipped file says).
      TURN_URLS: `turn:127.0.0.1:${turnPort}?transport=udp,turn:127.0.0.1:${turnPort}?transport=tcp`,
    };
    // Every setting the test does not give is unset, so the runner's own environment can't leak in.
    const unset = Object.fromEntries(Object.keys(EnvShape.shape).map((key) => [key, '']));
    const env = { ...unset, ...composed, ...loopback };

    // NODE_ENV stays compose's production: the example plus secrets is a startable production configuration.
    const config = loadConfig(env);
    expect(config.env).toBe('production');
    expect(config.store.redisUrl).toBe(privateRedis.url);

    server = await ServerProcess.start(env, 30_000);
    cleanups.push(() => server.kill());
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, browser] of browsers.entries())
        console.log(`--- browser ${i} ---\n${browser.logs.join('\n')}`);
      for (const { name, process } of services) console.log(`--- ${name} ---\n${process.output()}`);
    }
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
  });

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('listens where PUBLIC_URL says; /health, /ready (pinging Redis) and /metrics answer', async () => {
    expect(server.url).toBe(publicUrl);

    const health = await fetch(`${publicUrl}/health`);
    expect(health.status).toBe(200);
    expect(HealthSchema.parse(await health.json())).toMatchObject({
      workersAlive: workers,
      workersTotal: workers,
    });

    // /ready must ask the store, and the store is Redis: its PING count moves.
    const pings = async (): Promise<number> =>
      Number(/cmdstat_ping:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const pingsBefore = await pings();
    const ready = await fetch(`${publicUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(ReadySchema.parse(await ready.json())).toEqual({ ready: true, reasons: [] });
    expect(await pings()).toBeGreaterThan(pingsBefore);
    // Compose's persistence is on in the Redis we started.
    expect(await redis.info('persistence')).toMatch(/^aof_enabled:1\r?$/m);

    const metrics = await getText(`${publicUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain/);
    expect(sample(metrics.body, 'guichet_media_workers_alive')).toBe(workers);
    expect(sample(metrics.body, 'guichet_rooms')).toBe(0);
    expect(sample(metrics.body, 'guichet_participants')).toBe(0);
    expect(metrics.body).toContain('# TYPE guichet_http_request_duration_seconds histogram');
    for (let i = 0; i < workers; i++)
      expect(metrics.body).toMatch(
        new RegExp(`^guichet_media_worker_resident_memory_bytes\\{worker="${i}"\\} \\d+`, 'm'),
      );
  });

  it('two browsers limited to relay candidates call each other through coturn', async () => {
    const token = new AgentAuth({ algorithm: 'HS256', key: agentSecret }).mint({
      id: 'agent-1',
      name: 'Agent',
    });
    const created = await fetch(`${publicUrl}/api/v1/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'native stack' }),
    });
    expect(created.status).toBe(201);
    const room = RoomSchema.parse(await created.json());
    expect(room.joinUrl).toBe(`${publicUrl}/r/${room.roomId}`);
    // Stored in Redis, not in the data folder.
    expect(await redis.exists(`guichet:room:${room.roomId}`)).toBe(1);

    browsers = await Promise.all([launchBrowser(), launchBrowser()]);
    for (const browser of browsers) {
      await browser.context.addInitScript(recordPeerConnections);
      // `?relay=1`: the client's own switch to relay-only ICE (host candidates would work on loopback).
      await browser.page.goto(`${room.joinUrl}?relay=1`);
    }
    const [alice, bruno] = browsers;
    if (!alice || !bruno) throw new Error('two browsers expected');
    await fillAndJoin(alice.page, 'Alice', room.password);
    await waitForCallView(alice.page);
    await fillAndJoin(bruno.page, 'Bruno', room.password);
    await waitForCallView(bruno.page);

    await Promise.all([expectMediaFlowing(alice.page), expectMediaFlowing(bruno.page)]);

    for (const { page } of browsers) {
      // Send and receive transports, each through a relay candidate of our coturn.
      await expect
        .poll(async () => (await connectedPaths(page)).length, { timeout: MEDIA_DEADLINE_MS })
        .toBe(2);
      for (const path of await connectedPaths(page)) {
        expect(path.policy).toBe('relay');
        expect(path.local.candidateType).toBe('relay');
        // TURN over UDP or TCP, as TURN_URLS offers both: which one Chromium settles on
        // first is a race (a loaded machine has seen TCP win); both go through coturn.
        expect(['udp', 'tcp']).toContain(path.local.relayProtocol);
        expect(path.local.url).toContain(`127.0.0.1:${turnPort}`);
      }
    }

    const metrics = await getText(`${publicUrl}/metrics`);
    expect(sample(metrics.body, 'guichet_rooms')).toBe(1);
    expect(sample(metrics.body, 'guichet_participants')).toBe(2);
  });

  it('SIGTERM stops guichet with exit code 0', async () => {
    // The browsers are closed (afterEach): the drain (SHUTDOWN_DRAIN_SECONDS=30 in the example) has no call to wait for.
    const signalledAt = Date.now();
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(20_000);
  });
});
