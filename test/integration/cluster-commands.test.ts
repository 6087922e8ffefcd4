import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { RedisCommandBus } from '../../signaling/cluster/command-bus.js';
import { RoomIdSchema } from '../../signaling/protocol/index.js';
import { apiClient } from '../helpers/api.js';
import {
  CLUSTER_TEST_TIMEOUT_MS,
  joinFollowing,
  TestCluster,
  type FollowedJoin,
} from '../helpers/cluster-nodes.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

/*
 * Commands travel to the room: a room live in a real node process is ended
 * by a command sent from another process on its own Redis connections, and
 * by a REST cancel on another node, and everyone inside (the lobby too) is
 * told within a second.
 */
describe('room commands across processes', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  let cluster: TestCluster | undefined;
  const joins: FollowedJoin[] = [];
  const connections: Redis[] = [];

  afterEach(async () => {
    for (const join of joins.splice(0)) join.client.close();
    for (const redis of connections.splice(0)) redis.disconnect();
    await cluster?.close();
    cluster = undefined;
  });

  it('a command from another process ends the live room on its owner within 1 s', async () => {
    cluster = await TestCluster.start(['a', 'b']);
    const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({ id: 'alice' });
    const created = await apiClient(cluster.node('a').url, token).call('POST', '/api/v1/rooms', {
      title: 't',
    });
    const { roomId, password } = created.json as { roomId: string; password: string };
    for (const entry of ['a', 'b']) {
      joins.push(await joinFollowing(cluster.node(entry).url, { roomId, displayName: entry, password }));
    }
    const owner = await cluster.ownerOf(roomId);
    expect(owner).not.toBeNull();

    const connection = (): Redis => {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      connections.push(redis);
      return redis;
    };
    const publisher = connection();
    const bus = await RedisCommandBus.create(
      publisher,
      connection(),
      cluster.prefix,
      {
        nodeId: 'c',
        ownerOf: (id) => publisher.get(`${cluster!.prefix}cluster:room:${id}`),
        deliver: async () => {
          throw new Error('node c owns no room');
        },
      },
      pino({ level: 'silent' }),
    );
    const sentAt = Date.now();
    await bus.send(RoomIdSchema.parse(roomId), { kind: 'cancel' });
    for (const join of joins) {
      await vi.waitFor(() => expect(join.client.received('roomClosed')).toEqual([{ reason: 'cancelled' }]), {
        timeout: 1000,
        interval: 10,
      });
    }
    const tookMs = Date.now() - sentAt;
    console.log(`command from another process → roomClosed on every client of node ${owner}: ${tookMs} ms`);
    expect(tookMs).toBeLessThan(1000);
    // The room's claim went with it: the next join opens it afresh.
    await vi.waitFor(async () => expect(await cluster!.ownerOf(roomId)).toBeNull(), { timeout: 1000 });
    await bus.close();
  });

  it('a REST cancel on node C ends the live room on its owner within 1 s, the lobby included', async () => {
    cluster = await TestCluster.start(['a', 'b', 'c']);
    const token = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({
      id: 'alice',
      name: 'Alice',
    });
    const booked = await apiClient(cluster.node('c').url, token).call('POST', '/api/v1/appointments', {
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
      locale: 'fr',
      timeZone: 'Europe/Paris',
    });
    expect(booked.status).toBe(201);
    const { id, roomId, password } = booked.json as { id: string; roomId: string; password: string };
    // The agent enters through A, the citizen knocks through B: both end up on the owner.
    const agent = await joinFollowing(cluster.node('a').url, { roomId, displayName: 'Alice', token });
    joins.push(agent);
    const citizen = await joinFollowing(cluster.node('b').url, { roomId, displayName: 'Marie', password });
    joins.push(citizen);
    expect(citizen.result.state).toBe('lobby');
    const owner = await cluster.ownerOf(roomId);
    expect(owner).not.toBe('c');

    const sentAt = Date.now();
    const cancelled = await apiClient(cluster.node('c').url, token).call(
      'DELETE',
      `/api/v1/appointments/${id}`,
    );
    expect(cancelled.status).toBeLessThan(300);
    for (const join of joins) {
      await vi.waitFor(() => expect(join.client.received('roomClosed')).toEqual([{ reason: 'cancelled' }]), {
        timeout: 1000,
        interval: 10,
      });
    }
    const tookMs = Date.now() - sentAt;
    console.log(
      `REST cancel on node c → roomClosed in the lobby and the call on node ${owner}: ${tookMs} ms`,
    );
    expect(tookMs).toBeLessThan(1000);
  });
});
