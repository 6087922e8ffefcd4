import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.js';
import { startGuichet } from '../../server/guichet.js';

/*
 * The real server (same composition root as production) as its own process,
 * so the bench can pin it to a core and read its memory. Prints one JSON
 * line when ready; stops on SIGTERM.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'guichet-bench-data-'));
const config = loadConfig({
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: process.env['BENCH_PORT'] ?? '18080',
  MEDIA_WORKERS: '1',
  MEDIA_LISTEN_IP: '127.0.0.1',
  MEDIA_PORT_BASE: process.env['BENCH_MEDIA_PORT_BASE'] ?? '40000',
  LOG_LEVEL: 'warn',
  DATA_DIR: dataDir,
  // The cluster bench (bench/cluster.ts): several of these on one Redis.
  ...(process.env['BENCH_REDIS_URL']
    ? {
        REDIS_URL: process.env['BENCH_REDIS_URL'],
        REDIS_KEY_PREFIX: process.env['BENCH_REDIS_PREFIX'] ?? 'bench:',
        NODE_ID: process.env['BENCH_NODE_ID'] ?? 'bench',
        // Behind the proxy the bench models: its route header is believed (bench/cluster.ts, `hash`).
        TRUST_PROXY: 'true',
      }
    : {}),
  // The phone bench (bench/sip-calls.ts): the gateway's service credential.
  ...(process.env['BENCH_SIP_SERVICE_TOKEN']
    ? { SIP_SERVICE_TOKEN: process.env['BENCH_SIP_SERVICE_TOKEN'] }
    : {}),
  // Every simulated participant connects from 127.0.0.1: the per-address caps would stop the bench itself.
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0',
  JOIN_ATTEMPTS_PER_MINUTE: '1000',
  JOINS_PER_ADDRESS_PER_MINUTE: '100000',
  REST_CALLS_PER_MINUTE: '100000',
});
const guichet = await startGuichet(config, pino({ level: 'warn' }), { runScheduler: false });
console.log(
  JSON.stringify({
    ready: true,
    url: guichet.url,
    pid: process.pid,
    workerPids: guichet.media.workerPids(),
    agentToken: guichet.agents.mint({ id: 'bench-agent', name: 'Bench' }),
  }),
);
process.on('SIGTERM', () => {
  void guichet.close().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
