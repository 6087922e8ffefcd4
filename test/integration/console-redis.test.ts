import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAccounts } from '../../signaling/auth/local-accounts.js';
import { SessionViewSchema } from '../../signaling/protocol/console.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * With REDIS_URL, accounts and sessions live in the real Redis: an account
 * made on one node signs in on another, and a session opened on one node
 * works, and ends, on the other.
 */
describe('console on Redis, two nodes', () => {
  const prefix = uniqueRedisPrefix('console');
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    a = await startTestServer(env);
    b = await startTestServer(env);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await withRedis((admin) => cleanRedisPrefix(admin, prefix));
  });

  it('an account added on node A signs in on node B; the session works and ends on both', async () => {
    await new LocalAccounts(a.guichet.accounts).add({
      id: 'alice',
      name: 'Alice Martin',
      role: 'admin',
      password: 'correct horse battery staple',
    });
    const signIn = await fetch(`${b.baseUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'alice', password: 'correct horse battery staple' }),
    });
    expect(signIn.status).toBe(201);
    const session = SessionViewSchema.parse(await signIn.json());
    expect(session.agent).toEqual({ id: 'alice', name: 'Alice Martin', role: 'admin' });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    const onA = await fetch(`${a.baseUrl}/api/v1/session`, { headers: { cookie } });
    expect(onA.status).toBe(200);
    const out = await fetch(`${a.baseUrl}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': session.csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${b.baseUrl}/api/v1/session`, { headers: { cookie } })).status).toBe(401);
  });
});
