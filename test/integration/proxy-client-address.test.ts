import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * Behind the TLS proxy every socket comes from the proxy's address. With
 * TRUST_PROXY the join cap counts the address the proxy saw (the last
 * X-Forwarded-For entry), over real sockets: one citizen over the cap does
 * not lock out the others.
 */
describe('client address behind a trusted proxy (real sockets)', () => {
  let server: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', JOINS_PER_ADDRESS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  const joinFrom = async (forwardedFor: string) => {
    const { roomId, password } = await server.createRoom();
    const client = await SignalingClient.connect(server.baseUrl, undefined, {
      headers: { 'X-Forwarded-For': forwardedFor },
    });
    clients.push(client);
    return client.raw('join', { roomId, displayName: 'Marie', password });
  };

  it('caps joins per client address, not per proxy', async () => {
    for (let i = 0; i < 3; i += 1) expect((await joinFrom('203.0.113.1')).ok).toBe(true);
    expect(await joinFrom('203.0.113.1')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // A client's own claim before the proxy's entry changes nothing.
    expect(await joinFrom('198.51.100.9, 203.0.113.1')).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    expect((await joinFrom('203.0.113.2')).ok).toBe(true);
  });
});
