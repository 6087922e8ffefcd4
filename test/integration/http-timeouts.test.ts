import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * Real slow-loris clients on loopback: raw TCP connections that send half a
 * request and then nothing. Before, Fastify's requestTimeout 0 also turned
 * off Node's headers timeout and such connections stayed open for good
 * (still open after 330 s); 500 of them locked out every citizen on a server
 * with 512 file descriptors.
 */

const HEADERS_TIMEOUT_S = 1;
const MAX_PER_ADDRESS = 20;

describe('HTTP timeouts and the cap on connections per address (real sockets)', () => {
  let server: TestServer;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_S),
      HTTP_REQUEST_TIMEOUT_SECONDS: '3',
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(MAX_PER_ADDRESS),
    });
    port = Number(new URL(server.baseUrl).port);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A connection that has sent `bytes` and then goes silent; resolves once connected. */
  const halfOpen = async (bytes: string): Promise<{ socket: Socket; closed: Promise<number> }> => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    const opened = Date.now();
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(bytes);
    return { socket, closed };
  };

  it('closes a connection whose headers never finish, within the headers timeout', async () => {
    const { closed } = await halfOpen('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const ms = await closed;
    console.log(`half-sent headers closed after ${ms} ms (headers timeout ${HEADERS_TIMEOUT_S} s)`);
    expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_S * 1000 - 100);
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_S * 1000 + 3_000);
  });

  it('closes a connection whose body never finishes, within the request timeout', async () => {
    const { closed } = await halfOpen(
      'POST /api/v1/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ti',
    );
    const ms = await closed;
    console.log(`half-sent body closed after ${ms} ms (request timeout 3 s)`);
    expect(ms).toBeLessThan(3_000 + 3_000);
  });

  /** GET on a fresh connection (no pool): the status, or the error's code when the server closes it. */
  const statusOf = (path: string): Promise<number | string> =>
    new Promise((resolve) => {
      const request = get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });

  it('refuses connections past the cap per address, and serves again once they are gone', async () => {
    const held = [];
    for (let i = 0; i < MAX_PER_ADDRESS; i += 1) held.push(await halfOpen(''));
    // One more: closed by the server at once, long before any timeout.
    const extra = await halfOpen('');
    expect(await extra.closed).toBeLessThan(HEADERS_TIMEOUT_S * 1000);
    expect(await statusOf('/health')).toBe('ECONNRESET');

    for (const { socket } of held) socket.destroy();
    await vi.waitFor(async () => expect(await statusOf('/health')).toBe(200), {
      timeout: 5_000,
      interval: 100,
    });
    const metrics = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(metrics).toMatch(/guichet_abuse_refused_total\{cap="connections-per-address"\} [1-9]/);
  });
});
