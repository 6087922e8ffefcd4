import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../../server/config.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuichet, type Guichet, type GuichetOptions } from '../../server/guichet.js';

export interface TestServer {
  guichet: Guichet;
  baseUrl: string;
  agentToken(agentId?: string): string;
  createRoom(): Promise<{ roomId: string; password: string; joinUrl: string }>;
  close(): Promise<void>;
}

let nextPortBase = 21000 + (process.pid % 100) * 20;

/**
 * The real server, in-process: real mediasoup workers, real Fastify and
 * socket.io on 127.0.0.1 with an ephemeral HTTP port. Each server gets its
 * own media ports so tests in one file never collide.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: GuichetOptions = {},
): Promise<TestServer> {
  const portBase = nextPortBase;
  // Each server its own embedded store, unless the test points it at Redis or a DATA_DIR.
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-test-'));
  nextPortBase += 4;
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    MEDIA_WORKERS: '1',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_PORT_BASE: String(portBase),
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    DATA_DIR: dataDir,
    // Every test client connects from 127.0.0.1: the per-address caps would
    // trip across unrelated tests. The caps' own tests set them.
    JOINS_PER_ADDRESS_PER_MINUTE: '100000',
    JOIN_ATTEMPTS_PER_MINUTE: '1000',
    REST_CALLS_PER_MINUTE: '100000',
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    ...env,
  });
  const log: Logger = pino({ level: config.logLevel });
  const guichet = await startGuichet(config, log, options);
  const baseUrl = guichet.url;
  const agentToken = (agentId = 'agent-test'): string =>
    guichet.agents.mint({ id: agentId, name: 'Agent Test' });

  return {
    guichet,
    baseUrl,
    agentToken,
    async createRoom() {
      const response = await fetch(`${baseUrl}/api/v1/rooms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agentToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'test' }),
      });
      if (response.status !== 201)
        throw new Error(`createRoom: HTTP ${response.status}: ${await response.text()}`);
      const body: unknown = await response.json();
      if (
        typeof body !== 'object' ||
        body === null ||
        typeof Reflect.get(body, 'roomId') !== 'string' ||
        typeof Reflect.get(body, 'password') !== 'string' ||
        typeof Reflect.get(body, 'joinUrl') !== 'string'
      ) {
        throw new Error(`createRoom: unexpected body ${JSON.stringify(body)}`);
      }
      return {
        roomId: String(Reflect.get(body, 'roomId')),
        password: String(Reflect.get(body, 'password')),
        joinUrl: String(Reflect.get(body, 'joinUrl')),
      };
    },
    async close() {
      await guichet.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
