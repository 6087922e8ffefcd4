import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * The guessing caps through the real socket gateway, counted in a real Redis
 * shared by two servers (two nodes): wrong tries on node A lock the room on
 * node B too. And the REST cap per token, over real HTTP.
 */

describe('password guessing caps (real sockets, two nodes on one Redis)', () => {
  const prefix = uniqueRedisPrefix('caps');
  let a: TestServer;
  let b: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      JOIN_ATTEMPTS_PER_MINUTE: '5',
      REST_CALLS_PER_MINUTE: '10',
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await a?.close();
    await b?.close();
    await withRedis((admin) => cleanRedisPrefix(admin, prefix));
  });

  const join = async (server: TestServer, roomId: string, password: string) => {
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    return client.raw('join', { roomId, displayName: 'Eve', password });
  };

  it('refuses the 6th wrong password within a minute, on every node, even the right one', async () => {
    const { roomId, password } = await a.createRoom();
    for (let i = 0; i < 3; i += 1) {
      expect(await join(a, roomId, `WRONG-${i}`)).toMatchObject({
        ok: false,
        error: { code: 'WRONG_PASSWORD' },
      });
    }
    for (let i = 3; i < 5; i += 1) {
      expect(await join(b, roomId, `WRONG-${i}`)).toMatchObject({
        ok: false,
        error: { code: 'WRONG_PASSWORD' },
      });
    }
    expect(await join(a, roomId, password)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await join(b, roomId, password)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/guichet_abuse_refused_total\{cap="join-attempts"\} [1-9]/);
  });

  it('answers an unknown room exactly as a wrong password', async () => {
    const { roomId } = await b.createRoom();
    // A fresh address would be better; loopback is all we have, so compare before the address is locked.
    await withRedis((admin) => cleanRedisPrefix(admin, `${prefix}limit:`));
    const wrong = await join(b, roomId, 'NOT-THE-PASSWORD');
    const unknown = await join(b, 'nope-nope-nope', 'NOT-THE-PASSWORD');
    expect(unknown).toEqual(wrong);
  });

  it('caps REST calls per token with 429 RATE_LIMITED and Retry-After; another token is not concerned', async () => {
    await withRedis((admin) => cleanRedisPrefix(admin, `${prefix}limit:`));
    const call = (token: string) =>
      fetch(`${a.baseUrl}/api/v1/appointments`, { headers: { authorization: `Bearer ${token}` } });
    const alice = a.agentToken('alice-caps');
    const statuses = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await call(alice)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    const refused = await call(alice);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // Counted in Redis: the other node refuses this token too.
    expect(
      (await fetch(`${b.baseUrl}/api/v1/appointments`, { headers: { authorization: `Bearer ${alice}` } }))
        .status,
    ).toBe(429);
    expect((await call(a.agentToken('bob-caps'))).status).toBe(200);
    const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/guichet_abuse_refused_total\{cap="rest-calls-per-token"\} [1-9]/);
  });
});
