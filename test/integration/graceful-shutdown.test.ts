import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { ServerProcess } from '../helpers/server-process.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * SIGTERM on the real server process (what `docker stop` and a rolling
 * upgrade send): new joins are refused, connected clients are told to
 * reconnect, calls may finish until SHUTDOWN_DRAIN_SECONDS, then the
 * remaining rooms are closed and the process exits 0.
 */

const EVENT_DEADLINE = { timeout: 5_000, interval: 20 };
const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({
  id: 'alice',
  name: 'Alice',
});
let portBase = 24000 + (process.pid % 50) * 10;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of cleanups.splice(0).reverse()) await stop();
});

async function startServer(drainSeconds: number): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-shutdown-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await ServerProcess.start({
    DATA_DIR: dataDir,
    MEDIA_PORT_BASE: String((portBase += 2)),
    SHUTDOWN_DRAIN_SECONDS: String(drainSeconds),
  });
  cleanups.push(() => server.kill());
  return server;
}

async function createRoom(baseUrl: string): Promise<{ roomId: string; password: string }> {
  const response = await fetch(`${baseUrl}/api/v1/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'shutdown' }),
  });
  expect(response.status).toBe(201);
  const body: unknown = await response.json();
  const roomId: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'roomId') : undefined;
  const password: unknown =
    typeof body === 'object' && body !== null ? Reflect.get(body, 'password') : undefined;
  if (typeof roomId !== 'string' || typeof password !== 'string')
    throw new Error(`unexpected ${JSON.stringify(body)}`);
  return { roomId, password };
}

/** Two clients in one room, closed by the test's cleanup. */
async function twoInACall(
  server: ServerProcess,
): Promise<{ room: { roomId: string; password: string }; clients: SignalingClient[] }> {
  const room = await createRoom(server.url);
  const clients: SignalingClient[] = [];
  for (const name of ['Alice', 'Bob']) {
    const client = await SignalingClient.connect(server.url);
    cleanups.push(() => client.close());
    await client.request('join', { ...room, displayName: name });
    clients.push(client);
  }
  return { room, clients };
}

describe('graceful shutdown (SIGTERM)', () => {
  it('refuses new joins, tells clients to reconnect, and exits 0 as soon as the calls end', async () => {
    const server = await startServer(30);
    const { room, clients } = await twoInACall(server);
    // A third client connected before the signal, to try joining during the drain.
    const late = await SignalingClient.connect(server.url);
    cleanups.push(() => late.close());

    const signalledAt = Date.now();
    const exited = server.kill('SIGTERM');

    await vi.waitFor(() => {
      for (const client of clients)
        expect(client.received('reconnect')).toEqual([{ afterMs: expect.any(Number) }]);
    }, EVENT_DEADLINE);
    const refused = await late.raw('join', { ...room, displayName: 'Late' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
    // A load balancer polling /ready stops sending new calls here.
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, reasons: ['shutting down: draining calls'] });

    for (const client of clients) await client.request('leave', {});
    expect(await exited).toBe(0);
    // Far before the 30 s deadline: nothing left to wait for.
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    for (const client of clients) expect(client.received('roomClosed')).toEqual([]);
  });

  it('closes the calls still running at the deadline, telling their clients, then exits 0', async () => {
    const server = await startServer(2);
    const { clients } = await twoInACall(server);

    const signalledAt = Date.now();
    const code = await server.kill('SIGTERM');
    const elapsed = Date.now() - signalledAt;

    expect(code).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(10_000);
    await vi.waitFor(() => {
      for (const client of clients) {
        expect(client.received('reconnect')).toHaveLength(1);
        expect(client.received('roomClosed')).toEqual([{ reason: 'server-shutdown' }]);
      }
    }, EVENT_DEADLINE);
  });
});
