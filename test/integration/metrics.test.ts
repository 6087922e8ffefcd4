import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiClient } from '../helpers/api.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * GET /metrics and GET /ready on the real server: counts read from the live
 * rooms and the real mediasoup worker, notification outcomes from a real
 * scheduler pass, and the HTTP histogram labelled by route pattern.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of cleanups.splice(0).reverse()) await stop();
});

async function start(): Promise<TestServer> {
  const server = await startTestServer({}, { runScheduler: false });
  cleanups.push(() => server.close());
  return server;
}

async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one sample (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it('counts rooms, participants and media objects, and samples the worker', async () => {
    const server = await start();
    const { roomId, password } = await server.createRoom();
    const alice = await SignalingClient.connect(server.baseUrl);
    cleanups.push(() => alice.close());
    const bob = await SignalingClient.connect(server.baseUrl);
    cleanups.push(() => bob.close());
    await alice.request('join', { roomId, password, displayName: 'Alice' });
    await bob.request('join', { roomId, password, displayName: 'Bob' });
    await alice.request('createTransport', { direction: 'send' });
    await bob.request('createTransport', { direction: 'recv' });

    const text = await scrape(server.baseUrl);
    expect(sample(text, 'guichet_rooms')).toBe(1);
    expect(sample(text, 'guichet_participants')).toBe(2);
    expect(sample(text, 'guichet_media_routers')).toBe(1);
    expect(sample(text, 'guichet_media_transports')).toBe(2);
    expect(sample(text, 'guichet_media_producers')).toBe(0);
    expect(sample(text, 'guichet_media_consumers')).toBe(0);
    expect(sample(text, 'guichet_media_workers_alive')).toBe(1);
    // A live worker has a resident set of several MB, and has used some CPU to start.
    expect(sample(text, 'guichet_media_worker_resident_memory_bytes{worker="0"}')).toBeGreaterThan(1_000_000);
    expect(sample(text, 'guichet_media_worker_cpu_seconds{worker="0"}')).toBeGreaterThanOrEqual(0);
    // Node's own process metrics come along.
    expect(text).toContain('guichet_process_resident_memory_bytes');

    await alice.request('leave', {});
    await bob.request('leave', {});
    await vi.waitFor(async () => {
      const after = await scrape(server.baseUrl);
      expect(sample(after, 'guichet_rooms')).toBe(0);
      expect(sample(after, 'guichet_media_transports')).toBe(0);
    });
  });

  it('counts notification outcomes and labels HTTP latency by route pattern', async () => {
    const server = await start();
    const api = apiClient(server.baseUrl, server.agentToken());
    const view = await api.book({
      startsAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    await api.get(view.id);
    // No SMTP configured: the outbox takes the invitation, which counts as sent.
    await server.guichet.scheduler.tick();

    const text = await scrape(server.baseUrl);
    expect(sample(text, 'guichet_notifications_total{kind="invitation",channel="email",status="sent"}')).toBe(
      1,
    );
    const routes = text
      .split('\n')
      .filter((l) => l.startsWith('guichet_http_request_duration_seconds_count{'))
      .map((l) => /route="([^"]*)"/.exec(l)?.[1]);
    expect(routes).toEqual(expect.arrayContaining(['/api/v1/appointments', '/api/v1/appointments/:id']));
    // Never the raw URL: ids would make one series per appointment.
    expect(text).not.toContain(view.id);
  });

  it('is ready while the worker and the store answer, and says why not otherwise', async () => {
    const server = await start();
    const ready = await fetch(`${server.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, reasons: [] });

    await server.guichet.store.close();
    const notReady = await fetch(`${server.baseUrl}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, reasons: ['store not answering'] });
  });

  it('pings Redis when the store is Redis', async () => {
    const prefix = uniqueRedisPrefix('ready');
    cleanups.push(() => withRedis((client) => cleanRedisPrefix(client, prefix)));
    const server = await startTestServer({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
    cleanups.push(() => server.close());
    const ready = await fetch(`${server.baseUrl}/ready`);
    expect(ready.status).toBe(200);

    await server.guichet.store.close();
    const notReady = await fetch(`${server.baseUrl}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, reasons: ['store not answering'] });
  });
});
