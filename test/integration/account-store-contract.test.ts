import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalAccounts } from '../../signaling/auth/local-accounts.js';
import { RedisAccountStore } from '../../signaling/store/account-redis.js';
import { ACCOUNTS_SQLITE_FILENAME, SqliteAccountStore } from '../../signaling/store/account-sqlite.js';
import type { AccountStore, SessionRecord } from '../../signaling/store/account-store.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';

/*
 * One contract, two account stores: SQLite in a temp dir and the real Redis
 * under a fresh key prefix. Times are explicit; nothing sleeps.
 */

interface Backend {
  open(): AccountStore;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-accounts-'));
  return {
    open: () => SqliteAccountStore.open(join(dir, ACCOUNTS_SQLITE_FILENAME)),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function redisBackend(): Backend {
  const prefix = uniqueRedisPrefix('accounts');
  return {
    open: () => new RedisAccountStore(new Redis(TEST_REDIS_URL), prefix, true),
    cleanup: async () => {
      await withRedis((admin) => cleanRedisPrefix(admin, prefix));
    },
  };
}

const digest = (): string => createHash('sha256').update(randomBytes(16)).digest('hex');
const T0 = Date.parse('2026-12-03T08:00:00Z');

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    digest: digest(),
    agentId: 'alice',
    agentName: 'Alice Martin',
    role: 'agent',
    via: 'local',
    csrfToken: randomBytes(32).toString('base64url'),
    // Real time: Redis expires the key at expiresAt by its own clock.
    createdAt: Date.now(),
    expiresAt: Date.now() + 3_600_000,
    ...overrides,
  };
}

describe.each([
  { name: 'sqlite', setup: sqliteBackend },
  { name: 'redis', setup: redisBackend },
])('AccountStore contract: $name', ({ setup }) => {
  let backend: Backend;
  let handles: AccountStore[];
  let store: AccountStore;
  const open = (): AccountStore => {
    const handle = backend.open();
    handles.push(handle);
    return handle;
  };

  beforeEach(() => {
    backend = setup();
    handles = [];
    store = open();
  });

  afterEach(async () => {
    for (const handle of handles) await handle.close();
    await backend.cleanup();
  });

  it('keeps accounts, replaces by id, lists by id, and another handle sees them', async () => {
    const base = { role: 'agent' as const, passwordHash: 'scrypt$x', createdAt: T0, updatedAt: T0 };
    await store.putAccount({ ...base, id: 'bob', name: 'Bob' });
    await store.putAccount({ ...base, id: 'alice', name: 'Alice' });
    await store.putAccount({ ...base, id: 'alice', name: 'Alice Martin', role: 'admin', updatedAt: T0 + 1 });
    const other = open();
    expect(await other.getAccount('alice')).toEqual({
      ...base,
      id: 'alice',
      name: 'Alice Martin',
      role: 'admin',
      updatedAt: T0 + 1,
    });
    expect((await other.listAccounts()).map((a) => a.id)).toEqual(['alice', 'bob']);
    expect(await other.getAccount('carol')).toBeNull();
    expect(await store.deleteAccount('bob')).toBe(true);
    expect(await store.deleteAccount('bob')).toBe(false);
    expect((await other.listAccounts()).map((a) => a.id)).toEqual(['alice']);
  });

  it('finds a session by digest until it expires, and deletes it', async () => {
    const s = session();
    await store.createSession(s);
    expect(await open().getSession(s.digest, Date.now())).toEqual(s);
    expect(await store.getSession(s.digest, s.expiresAt)).toBeNull();
    expect(await store.getSession(digest(), Date.now())).toBeNull();
    await store.deleteSession(s.digest);
    expect(await store.getSession(s.digest, Date.now())).toBeNull();
  });

  it("deleting an account ends its sessions and its feed, not others'", async () => {
    await store.putAccount({
      id: 'alice',
      name: 'Alice',
      role: 'agent',
      passwordHash: 'h',
      createdAt: T0,
      updatedAt: T0,
    });
    const mine = session();
    const theirs = session({ agentId: 'bob' });
    await store.createSession(mine);
    await store.createSession(theirs);
    const feed = digest();
    await store.setFeedToken('alice', feed);
    await store.deleteAccount('alice');
    expect(await store.getSession(mine.digest, Date.now())).toBeNull();
    expect(await store.getSession(theirs.digest, Date.now())).toEqual(theirs);
    expect(await store.feedAgent(feed)).toBeNull();
  });

  it('hands out a sign-in state once, and never after it expires', async () => {
    const login = {
      state: randomBytes(24).toString('base64url'),
      codeVerifier: randomBytes(48).toString('base64url'),
      nonce: randomBytes(24).toString('base64url'),
      expiresAt: Date.now() + 600_000,
    };
    await store.putLoginState(login);
    const [first, second] = await Promise.all([
      store.takeLoginState(login.state, Date.now()),
      open().takeLoginState(login.state, Date.now()),
    ]);
    expect([first, second].filter((x) => x !== null)).toEqual([login]);
    const stale = { ...login, state: randomBytes(24).toString('base64url') };
    await store.putLoginState(stale);
    expect(await store.takeLoginState(stale.state, stale.expiresAt)).toBeNull();
  });

  it('a new feed token revokes the previous one; null revokes it', async () => {
    const first = digest();
    const second = digest();
    expect(await store.hasFeedToken('alice')).toBe(false);
    await store.setFeedToken('alice', first);
    expect(await open().feedAgent(first)).toBe('alice');
    await store.setFeedToken('alice', second);
    expect(await store.feedAgent(first)).toBeNull();
    expect(await store.feedAgent(second)).toBe('alice');
    expect(await store.hasFeedToken('alice')).toBe(true);
    await store.setFeedToken('alice', null);
    expect(await store.feedAgent(second)).toBeNull();
    expect(await store.hasFeedToken('alice')).toBe(false);
  });

  it('local accounts: scrypt hash with its own salt, right password only, no account no match', async () => {
    const accounts = new LocalAccounts(store, () => T0);
    expect(
      await accounts.add({
        id: 'alice',
        name: 'Alice Martin',
        role: 'admin',
        password: 'correct horse battery',
      }),
    ).toBe('created');
    await accounts.add({ id: 'bob', name: 'Bob', role: 'agent', password: 'correct horse battery' });
    const [alice, bob] = [await store.getAccount('alice'), await store.getAccount('bob')];
    expect(alice?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(alice?.passwordHash).not.toContain('correct');
    // Same password, different salt, different hash.
    expect(alice?.passwordHash).not.toBe(bob?.passwordHash);
    expect(await accounts.verify('alice', 'correct horse battery')).toEqual({
      id: 'alice',
      name: 'Alice Martin',
      role: 'admin',
    });
    expect(await accounts.verify('alice', 'correct horse batterY')).toBeNull();
    expect(await accounts.verify('nobody', 'correct horse battery')).toBeNull();
    await expect(accounts.add({ id: 'c', name: 'C', role: 'agent', password: 'short' })).rejects.toThrow(
      /at least 12/,
    );
  });
});
