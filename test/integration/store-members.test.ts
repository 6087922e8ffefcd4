import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PeerIdSchema, RoomIdSchema } from '../../signaling/protocol/index.js';
import { SQLITE_FILENAME } from '../../signaling/store/create-store.js';
import { RedisStore } from '../../signaling/store/redis-store.js';
import type { MemberRecord } from '../../signaling/store/room-store.js';
import { SqliteStore } from '../../signaling/store/sqlite-store.js';
import type { Store } from '../../signaling/store/store.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';

/*
 * Members of live rooms, as both stores keep them: what another handle (a
 * second node, or this one after a restart) reads to give a place back.
 */

const backends = [
  {
    name: 'sqlite',
    setup: () => {
      const dir = mkdtempSync(join(tmpdir(), 'guichet-members-'));
      return {
        open: (): Store => SqliteStore.open(join(dir, SQLITE_FILENAME)),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'redis',
    setup: () => {
      const prefix = uniqueRedisPrefix('members');
      return {
        open: (): Store => new RedisStore(TEST_REDIS_URL, prefix),
        cleanup: () => withRedis((admin) => cleanRedisPrefix(admin, prefix)),
        /** Seconds left before a room's member records expire (a node that died never deletes them). */
        ttl: (roomId: string) => withRedis((admin) => admin.ttl(`${prefix}members:${roomId}`)),
      };
    },
  },
];

const roomA = RoomIdSchema.parse('room-aaaa-aaaa');
const roomB = RoomIdSchema.parse('room-bbbb-bbbb');
const member = (roomId = roomA, peer = 'peer-1', extra: Partial<MemberRecord> = {}): MemberRecord => ({
  roomId,
  peerId: PeerIdSchema.parse(peer),
  displayName: 'Marie',
  role: 'guest',
  kind: 'web',
  state: 'lobby',
  resumeDigest: 'digest',
  appointmentId: 'appt-1',
  updatedAt: 1_700_000_000_000,
  ...extra,
});

describe.each(backends)('member records: $name', ({ name, setup }) => {
  let backend: ReturnType<(typeof backends)[number]['setup']>;
  let handles: Store[];
  const open = (): Store => {
    const handle = backend.open();
    handles.push(handle);
    return handle;
  };

  beforeEach(() => {
    backend = setup();
    handles = [];
  });
  afterEach(async () => {
    for (const handle of handles) await handle.close();
    await backend.cleanup();
  });

  it('saves, replaces and reads a member from another handle', async () => {
    const node1 = open();
    const node2 = open();
    await node1.saveMember(member());
    expect(await node2.getMember(roomA, PeerIdSchema.parse('peer-1'))).toEqual(member());
    // Admitted: the same record, replaced.
    await node1.saveMember(member(roomA, 'peer-1', { state: 'admitted' }));
    expect(await node2.getMember(roomA, PeerIdSchema.parse('peer-1'))).toMatchObject({ state: 'admitted' });
    expect(await node2.getMember(roomB, PeerIdSchema.parse('peer-1'))).toBeNull();
  });

  it('deletes one member, or all of a room', async () => {
    const store = open();
    await store.saveMember(member(roomA, 'peer-1'));
    await store.saveMember(member(roomA, 'peer-2', { role: 'host', state: 'admitted' }));
    await store.saveMember(member(roomB, 'peer-3'));
    await store.deleteMember(roomA, PeerIdSchema.parse('peer-1'));
    expect(await store.getMember(roomA, PeerIdSchema.parse('peer-1'))).toBeNull();
    expect(await store.getMember(roomA, PeerIdSchema.parse('peer-2'))).toMatchObject({ role: 'host' });
    await store.deleteMembers(roomA);
    expect(await store.getMember(roomA, PeerIdSchema.parse('peer-2'))).toBeNull();
    expect(await store.getMember(roomB, PeerIdSchema.parse('peer-3'))).toMatchObject({ roomId: roomB });
  });

  it.runIf(name === 'redis')('lets the records of a room whose node died expire', async () => {
    const store = open();
    await store.saveMember(member());
    if (!('ttl' in backend)) throw new Error('the Redis backend reads TTLs');
    const left = await backend.ttl(roomA);
    expect(left).toBeGreaterThan(23 * 3600);
    expect(left).toBeLessThanOrEqual(24 * 3600);
  });

  it('refuses a malformed record', async () => {
    const store = open();
    await expect(store.saveMember({ ...member(), updatedAt: Number.NaN })).rejects.toThrow();
  });
});
