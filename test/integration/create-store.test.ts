import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILENAME, createStore } from '../../signaling/store/create-store.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';
import { room } from '../helpers/store-fixtures.js';

/** The one factory that picks the store, and fails fast with what to fix. */
describe('createStore', () => {
  const log = pino({ level: 'silent' });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-create-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens SQLite under DATA_DIR, creating the directory', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = await createStore({ dataDir }, log);
    await store.createRoom(room());
    await store.close();
    expect(existsSync(join(dataDir, SQLITE_FILENAME))).toBe(true);
  });

  it('fails fast when DATA_DIR cannot be written', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const failure = createStore({ dataDir: join(file, 'data') }, log);
    await expect(failure).rejects.toThrow(/DATA_DIR .* not a writable directory/);
  });

  it('uses Redis when REDIS_URL is set', async () => {
    const prefix = uniqueRedisPrefix('create');
    const store = await createStore({ dataDir: dir, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix }, log);
    await store.createRoom(room());
    await store.close();
    expect(await withRedis((admin) => cleanRedisPrefix(admin, prefix))).toBe(1);
    expect(existsSync(join(dir, SQLITE_FILENAME))).toBe(false);
  });

  it('fails fast, with what to fix and no password, when Redis is unreachable', async () => {
    const started = Date.now();
    const failure = createStore({ dataDir: dir, redisUrl: 'redis://:hunter2@127.0.0.1:1' }, log);
    await expect(failure).rejects.toThrow(
      /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1.* is unreachable.*REDIS_URL/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
