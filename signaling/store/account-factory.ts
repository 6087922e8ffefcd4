import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { RedisAccountStore } from './account-redis.js';
import { ACCOUNTS_SQLITE_FILENAME, SqliteAccountStore } from './account-sqlite.js';
import type { AccountStore } from './account-store.js';
import { connectRedis, type StoreOptions } from './create-store.js';

/** Picks like createStore: Redis when REDIS_URL is set (its own connection), else SQLite under DATA_DIR. */
export async function createAccountStore(options: StoreOptions, log: Logger): Promise<AccountStore> {
  if (options.redisUrl) {
    const client = await connectRedis(options.redisUrl, log);
    return new RedisAccountStore(client, options.redisKeyPrefix ?? 'guichet:', true);
  }
  mkdirSync(options.dataDir, { recursive: true });
  return SqliteAccountStore.open(join(options.dataDir, ACCOUNTS_SQLITE_FILENAME));
}
