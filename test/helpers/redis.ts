import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the integration tests use (scripts/test.sh or CI starts it). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (nor another run in parallel) shares. */
export function uniqueRedisPrefix(label = 'test'): string {
  return `guichet-test:${label}:${process.pid}:${randomUUID()}:`;
}

/** A glob matching exactly the keys that start with `prefix` (SCAN MATCH is a glob). */
function globFor(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
}

/** Every key under `prefix`, by SCAN (never KEYS, which blocks the server). */
export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', globFor(prefix), 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function cleanRedisPrefix(client: Redis, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  return keys.length;
}

/** A client for test bookkeeping, quit when `use` is done. */
export async function withRedis<T>(use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}
