import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisCommandBus } from '../../signaling/cluster/command-bus.js';
import { RedisNodeRegistry } from '../../signaling/cluster/node-registry.js';
import { RedisRoomDirectory } from '../../signaling/cluster/room-directory.js';
import { RoomElsewhereError } from '../../signaling/errors.js';
import { RoomIdSchema, type RoomId } from '../../signaling/protocol/index.js';
import type { RoomCommand } from '../../signaling/rooms/room-command.js';
import { TEST_REDIS_URL, cleanRedisPrefix, uniqueRedisPrefix, withRedis } from '../helpers/redis.js';

/*
 * The registry, the room directory (its Lua scripts) and
 * the command bus against a real Redis. Each simulated node has its own
 * Redis connection, as separate processes would.
 */

const log = pino({ level: 'silent' });
const TTL_MS = 1500;

interface TestNode {
  id: string;
  redis: Redis;
  registry: RedisNodeRegistry;
  directory: RedisRoomDirectory;
  /** Stops heart-beating and renewing without telling anyone: what kill -9 looks like from Redis. */
  die(): Promise<void>;
}

const opened: Redis[] = [];
const nodes: TestNode[] = [];
const prefixes: string[] = [];
const closers: (() => Promise<void>)[] = [];

function connection(): Redis {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  opened.push(redis);
  return redis;
}

async function startNode(
  prefix: string,
  id: string,
  capacity = 100,
  url = `http://${id}.test:3000`,
  workerCpu = 0,
): Promise<TestNode> {
  const redis = connection();
  const registry = new RedisNodeRegistry(
    redis,
    prefix,
    {
      self: { id, mediaAddress: '127.0.0.1', capacity, startedAt: Date.now() },
      url: () => url,
      load: () => ({ rooms: 0, peers: 0, workerCpu }),
      heartbeatMs: TTL_MS / 3,
      ttlMs: TTL_MS,
    },
    log,
  );
  await registry.start();
  const directory = new RedisRoomDirectory(redis, prefix, registry, { claimTtlMs: TTL_MS }, log);
  const node: TestNode = {
    id,
    redis,
    registry,
    directory,
    die: async () => {
      redis.disconnect();
      await directory.close().catch(() => undefined);
      await registry.stop().catch(() => undefined);
    },
  };
  nodes.push(node);
  return node;
}

function freshPrefix(): string {
  const prefix = uniqueRedisPrefix('cluster');
  prefixes.push(prefix);
  return prefix;
}

const room = (i: number | string): RoomId => RoomIdSchema.parse(`room-${i}-abcdef`);

/** Which node a claim landed on: this node (no throw) or the one the redirect names. */
async function claimFrom(node: TestNode, roomId: RoomId, routedByRoom = false): Promise<string> {
  try {
    await node.directory.claim(roomId, { routedByRoom });
    return node.id;
  } catch (error) {
    if (!(error instanceof RoomElsewhereError)) throw error;
    return new URL(error.location).hostname.replace(/\.test$/, '');
  }
}

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const node of nodes.splice(0)) {
    await node.directory.close().catch(() => undefined);
    await node.registry.stop().catch(() => undefined);
  }
  for (const redis of opened.splice(0)) redis.disconnect();
  await withRedis(async (client) => {
    for (const prefix of prefixes.splice(0)) await cleanRedisPrefix(client, prefix);
  });
});

describe('node registry', () => {
  it('lists live nodes, drops a stopped one at once and a silent one after the TTL', async () => {
    const prefix = freshPrefix();
    const [a, b, c] = await Promise.all([
      startNode(prefix, 'a'),
      startNode(prefix, 'b'),
      startNode(prefix, 'c'),
    ]);
    expect((await a.registry.liveNodes()).map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect((await b.registry.liveNodes())[0]).toMatchObject({
      id: 'b',
      url: 'http://b.test:3000',
      capacity: 100,
    });

    await b.registry.stop();
    expect((await a.registry.liveNodes()).map((n) => n.id)).toEqual(['a', 'c']);

    const diedAt = Date.now();
    await c.die();
    await vi.waitFor(async () => expect((await a.registry.liveNodes()).map((n) => n.id)).toEqual(['a']), {
      timeout: TTL_MS * 3,
      interval: 50,
    });
    expect(Date.now() - diedAt).toBeLessThanOrEqual(TTL_MS + 500);
  });
});

describe('room directory', () => {
  it('spreads 30 rooms evenly over three nodes, whichever node the joins reach', async () => {
    const prefix = freshPrefix();
    const three = await Promise.all(['a', 'b', 'c'].map((id) => startNode(prefix, id)));
    const owners: string[] = [];
    // All through node a first (the worst case for a naive "claim locally"), then the rest anywhere.
    for (let i = 0; i < 15; i += 1) owners.push(await claimFrom(three[0]!, room(i)));
    for (let i = 15; i < 30; i += 1) owners.push(await claimFrom(three[i % 3]!, room(i)));
    const share = (id: string): number => owners.filter((o) => o === id).length;
    for (const id of ['a', 'b', 'c']) {
      expect(share(id)).toBeGreaterThanOrEqual(7);
      expect(share(id)).toBeLessThanOrEqual(13);
    }
  });

  it('keeps a new room on the node its join reached, up to 1.5 × the least loaded + 3 rooms', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all(['a', 'b'].map((id) => startNode(prefix, id)));
    // Entry by room hash: each room's joins come through one node, which keeps it (no redirect).
    const hashed: string[] = [];
    for (let i = 0; i < 20; i += 1) hashed.push(await claimFrom(i % 2 === 0 ? a! : b!, room(`h${i}`)));
    expect(hashed).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'a' : 'b')));
    // Then all through a (10 to 10): a keeps them up to 1.5 × 10 + 3 = 18 held, then alternates with b.
    const skewed: string[] = [];
    for (let i = 0; i < 12; i += 1) skewed.push(await claimFrom(a!, room(`s${i}`)));
    expect(skewed).toEqual([...Array<string>(9).fill('a'), 'b', 'a', 'b']);
  });

  it('keeps every room a room-hashing proxy sent it, whatever the counts; a busy node still passes them on', async () => {
    const prefix = freshPrefix();
    const [a] = await Promise.all(['a', 'b'].map((id) => startNode(prefix, id)));
    // A burst in which node a ran ahead: 30 rooms to 0, far past 1.5 × 0 + 3.
    const routed: string[] = [];
    for (let i = 0; i < 30; i += 1) routed.push(await claimFrom(a!, room(`r${i}`), true));
    expect(routed).toEqual(Array<string>(30).fill('a'));
    // The same node, asked without the proxy's word, is back under the bound.
    expect(await claimFrom(a!, room('plain'))).toBe('b');

    const busy = await startNode(prefix, 'c', 100, 'http://c.test:3000', 0.95);
    expect(await claimFrom(busy, room('busy-routed'), true)).not.toBe('c');
  });

  it('a node whose media worker is busy does not keep a new room, even with none', async () => {
    const prefix = freshPrefix();
    const busy = await startNode(prefix, 'a', 100, 'http://a.test:3000', 0.95);
    await startNode(prefix, 'b');
    await startNode(prefix, 'b2');
    const owners: string[] = [];
    for (let i = 0; i < 4; i += 1) owners.push(await claimFrom(busy, room(`busy${i}`)));
    expect(owners.filter((o) => o === 'a')).toEqual([]);
  });

  it('locates a room owned by another live node in one read, and leaves the rest to claim', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all(['a', 'b'].map((id) => startNode(prefix, id)));
    await a!.directory.claim(room('loc'));
    expect(await b!.directory.locate(room('loc'))).toBe('http://a.test:3000');
    // Its own room, an unclaimed one: nothing to say (the claim decides).
    expect(await a!.directory.locate(room('loc'))).toBeNull();
    expect(await b!.directory.locate(room('nobody'))).toBeNull();
    // An owner that stopped heart-beating: not sent there (claim clears it and takes the room).
    await a!.die();
    await vi.waitFor(async () => expect(await b!.directory.locate(room('loc'))).toBeNull(), {
      timeout: TTL_MS * 4,
      interval: 100,
    });
  });

  it('gives racing first joins one owner, and every other node redirects there', async () => {
    const prefix = freshPrefix();
    const three = await Promise.all(['a', 'b', 'c'].map((id) => startNode(prefix, id)));
    for (let round = 0; round < 10; round += 1) {
      const owners = await Promise.all(three.map((node) => claimFrom(node, room(`race${round}`))));
      expect(new Set(owners).size).toBe(1);
      expect(await three[0]!.directory.ownerOf(room(`race${round}`))).toBe(owners[0]);
    }
  });

  it('keeps a claim while renewed, and frees it on release (only by its owner)', async () => {
    const prefix = freshPrefix();
    const a = await startNode(prefix, 'a');
    const b = await startNode(prefix, 'b');
    await a.directory.claim(room('kept'));
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
    expect(await b.directory.ownerOf(room('kept'))).toBe('a');
    await expect(b.directory.claim(room('kept'))).rejects.toThrow(RoomElsewhereError);

    b.directory.release(room('kept')); // b never held it: a no-op
    expect(await a.directory.ownerOf(room('kept'))).toBe('a');
    a.directory.release(room('kept'));
    await vi.waitFor(async () => expect(await b.directory.ownerOf(room('kept'))).toBeNull(), {
      timeout: 2000,
    });
    expect(a.directory.held).toBe(0);
  });

  it('moves the rooms of a killed node to a live one once its heartbeat lapses', async () => {
    const prefix = freshPrefix();
    const a = await startNode(prefix, 'a');
    const b = await startNode(prefix, 'b');
    await a.directory.claim(room('moved'));
    const killedAt = Date.now();
    await a.die();
    // Until the registry drops a, joins are still sent to a (the client retries); then b takes the room.
    await vi.waitFor(async () => expect(await claimFrom(b, room('moved'))).toBe('b'), {
      timeout: TTL_MS * 4,
      interval: 100,
    });
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS * 2 + 1000);
    expect(await b.directory.ownerOf(room('moved'))).toBe('b');
    expect(b.directory.held).toBe(1);
  });

  it('a node restarted under the same NODE_ID takes its rooms back at once', async () => {
    const prefix = freshPrefix();
    const before = await startNode(prefix, 'a');
    const other = await startNode(prefix, 'b');
    await before.directory.claim(room('back'));
    await before.die();
    const after = await startNode(prefix, 'a');
    const startedAt = Date.now();
    await after.directory.claim(room('back'));
    expect(Date.now() - startedAt).toBeLessThan(TTL_MS);
    expect(await other.directory.ownerOf(room('back'))).toBe('a');
    expect(after.directory.held).toBe(1);
  });

  it('renewal fails safe: a node whose claim was taken over stops holding the room', async () => {
    const prefix = freshPrefix();
    const a = await startNode(prefix, 'a');
    await a.directory.claim(room('stolen'));
    await a.redis.set(`${prefix}cluster:room:${room('stolen')}`, 'b', 'PX', 10_000);
    await vi.waitFor(() => expect(a.directory.held).toBe(0), { timeout: TTL_MS * 2 });
    expect(await a.redis.zscore(`${prefix}cluster:node-rooms:a`, room('stolen'))).toBeNull();
  });
});

describe('room directory, misconfigured', () => {
  it('never redirects a join to its own address (two node ids, one NODE_URL): a retryable refusal', async () => {
    const prefix = freshPrefix();
    const a = await startNode(prefix, 'a', 100, 'https://visio.example.fr');
    const b = await startNode(prefix, 'b', 100, 'https://visio.example.fr');
    await a.directory.claim(room('shared-url'));
    await expect(b.directory.claim(room('shared-url'))).rejects.toMatchObject({ code: 'MEDIA_ERROR' });
  });
});

describe('room command bus', () => {
  it("carries a command from one node's connection to the owner's, validated, within a second", async () => {
    const prefix = freshPrefix();
    const a = await startNode(prefix, 'a');
    const c = await startNode(prefix, 'c');
    const received: { node: string; roomId: RoomId; command: RoomCommand }[] = [];
    const busFor = async (node: TestNode) => {
      const bus = await RedisCommandBus.create(
        node.redis,
        connection(),
        prefix,
        {
          nodeId: node.id,
          ownerOf: (roomId) => node.directory.ownerOf(roomId),
          deliver: async (roomId, command) => {
            received.push({ node: node.id, roomId, command });
          },
        },
        log,
      );
      closers.push(() => bus.close());
      return bus;
    };
    const [, busC] = await Promise.all([busFor(a), busFor(c)]);
    await a.directory.claim(room('live'));

    // Garbage on a's channel is dropped; the next real command still arrives.
    await withRedis((client) => client.publish(`${prefix}cluster:commands:a`, '{"roomId":"x","command":{}}'));
    const sentAt = Date.now();
    await busC.send(room('live'), { kind: 'reschedule', startsAt: '2027-01-05T10:00:00.000Z' });
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 1000, interval: 10 });
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(received[0]).toEqual({
      node: 'a',
      roomId: room('live'),
      command: { kind: 'reschedule', startsAt: '2027-01-05T10:00:00.000Z' },
    });

    // The owner itself, and a room open nowhere.
    await busC.send(room('nowhere'), { kind: 'cancel' });
    await c.directory.claim(room('on-c'));
    await busC.send(room('on-c'), { kind: 'end' });
    expect(received.map((r) => `${r.node}:${r.command.kind}`)).toEqual(['a:reschedule', 'c:end']);
    await expect(busC.send(room('live'), { kind: 'reschedule', startsAt: 'tomorrow' })).rejects.toThrow();
  });
});
