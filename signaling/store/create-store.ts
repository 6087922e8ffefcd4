import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStore } from './redis-store.js';
import { SqliteStore } from './sqlite-store.js';
import { withStoreDeadlines } from './store-deadline.js';
import type { Store } from './store.js';

export interface StoreOptions {
  /** REDIS_URL: when set, every node shares this Redis. */
  redisUrl?: string | undefined;
  /** REDIS_KEY_PREFIX: lets several deployments share one Redis. */
  redisKeyPrefix?: string | undefined;
  /** DATA_DIR: where the embedded store keeps guichet.sqlite. */
  dataDir: string;
  /** STORE_TIMEOUT_MS: the deadline of every store call (default 2 s). */
  timeoutMs?: number | undefined;
}

/** How long startup waits for Redis before giving up with a clear message. */
const REDIS_STARTUP_TIMEOUT_MS = 5_000;
const DEFAULT_KEY_PREFIX = 'guichet:';
const DEFAULT_TIMEOUT_MS = 2_000;
export const SQLITE_FILENAME = 'guichet.sqlite';

/**
 * The one place that picks the store: Redis when REDIS_URL is set (several
 * nodes), else SQLite under DATA_DIR. Fails at startup, with what to fix,
 * rather than on the first booking.
 */
export async function createStore(options: StoreOptions, log: Logger): Promise<Store> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (options.redisUrl) {
    const keyPrefix = options.redisKeyPrefix ?? DEFAULT_KEY_PREFIX;
    const client = await connectRedis(options.redisUrl, log);
    const clockOffsetMs = await redisClockOffset(client);
    log.info({ store: 'redis', redis: redactUrl(options.redisUrl), keyPrefix, clockOffsetMs }, 'store ready');
    const store = new RedisStore(client, keyPrefix, { bookingDeadlineMs: timeoutMs, clockOffsetMs });
    return withStoreDeadlines(store, timeoutMs);
  }
  const filename = join(options.dataDir, SQLITE_FILENAME);
  assertWritableDir(options.dataDir);
  const store = SqliteStore.open(filename);
  log.info({ store: 'sqlite', file: filename }, 'store ready');
  return withStoreDeadlines(store, timeoutMs);
}

/**
 * Redis's clock minus ours (half the round trip accounted for): booking
 * deadlines are checked on Redis's clock, so a skew between the machines
 * neither refuses every booking nor lets late ones through.
 */
async function redisClockOffset(client: Redis): Promise<number> {
  const before = Date.now();
  const [seconds, micros] = await client.time();
  const after = Date.now();
  const redisMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  return Math.round(redisMs - (before + after) / 2);
}

export async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_STARTUP_TIMEOUT_MS,
    // Once running, keep reconnecting (a Redis restart must not stop the
    // server); commands fail after a few retries rather than hang forever.
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Commands fail on their own; the listener keeps ioredis from reporting
  // each reconnect failure as an unhandled 'error' event.
  client.on('error', (error: Error) =>
    log.warn({ store: 'redis', reason: error.message }, 'redis connection error'),
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${REDIS_STARTUP_TIMEOUT_MS} ms`)),
        REDIS_STARTUP_TIMEOUT_MS,
      );
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return client;
  } catch (error) {
    client.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Redis at ${redactUrl(url)} is unreachable (${reason}). Start it, fix REDIS_URL, or unset REDIS_URL to use the embedded SQLite store.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Writes and removes a probe file: access(W_OK) says yes to root even on a read-only mount. */
function assertWritableDir(dir: string): void {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `DATA_DIR ${dir} is not a writable directory (${reason}). Set DATA_DIR to a directory Guichet can write.`,
      {
        cause: error,
      },
    );
  }
}

/** The URL without its password, for logs and error messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}
