import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { apiClient } from '../helpers/api.js';
import {
  CLUSTER_TEST_TIMEOUT_MS,
  joinFollowing,
  TEST_CLUSTER_TTL_MS,
  TestCluster,
  type FollowedJoin,
} from '../helpers/cluster-nodes.js';

/*
 * Three real node processes on one real Redis, each with its own HTTP and
 * media ports: rooms spread over them, a join through any node lands on the
 * room's owner, and a kill -9 of the owner moves the room, its host still
 * host and its admitted citizen still admitted.
 */

const agentToken = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({
  id: 'alice',
  name: 'Alice',
});
const tokenOf = (link: string): string => new URL(link).searchParams.get('t') ?? '';

describe('rooms across three nodes', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  let cluster: TestCluster | undefined;
  const joins: FollowedJoin[] = [];

  afterEach(async () => {
    for (const join of joins.splice(0)) join.client.close();
    await cluster?.close();
    cluster = undefined;
  });

  it('spreads 30 rooms within ±30 % of even, wherever the joins come in', async () => {
    cluster = await TestCluster.start(['a', 'b', 'c']);
    const nodes = cluster.nodes;
    const owners: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      // The first half all through node a: a node that kept rooms for itself would end up with them all.
      const entry = nodes[i < 15 ? 0 : i % 3]!.url;
      const created = await apiClient(entry, agentToken).call('POST', '/api/v1/rooms', { title: `r${i}` });
      expect(created.status).toBe(201);
      const { roomId, password } = created.json as { roomId: string; password: string };
      const join = await joinFollowing(entry, { roomId, displayName: `P${i}`, password });
      joins.push(join);
      owners.push(cluster.idOf(join.url));
      expect(await cluster.ownerOf(roomId)).toBe(owners[i]);
    }
    const shares = Object.fromEntries(
      ['a', 'b', 'c'].map((id) => [id, owners.filter((o) => o === id).length]),
    );
    console.log('rooms per node', shares, 'redirected joins', joins.filter((j) => j.hops > 0).length);
    expect(joins.filter((j) => j.hops > 0).length).toBeGreaterThan(0);
    // Each node tells Prometheus how many rooms it holds and how many nodes it sees.
    for (const node of nodes) {
      const text = await (await fetch(`${node.url}/metrics`)).text();
      expect(text).toMatch(/^guichet_cluster_nodes_live 3$/m);
      expect(text).toContain(`guichet_cluster_rooms_claimed ${shares[node.id]}\n`);
    }
    for (const share of Object.values(shares)) {
      expect(share).toBeGreaterThanOrEqual(7);
      expect(share).toBeLessThanOrEqual(13);
    }
  });

  it('a node the room-hashing proxy chose keeps the room (no redirect), past the count bound', async () => {
    cluster = await TestCluster.start(['a', 'b'], { TRUST_PROXY: 'true' });
    const a = cluster.node('a');
    const rooms: { roomId: string; password: string }[] = [];
    for (let i = 0; i < 8; i += 1) {
      const created = await apiClient(a.url, agentToken).call('POST', '/api/v1/rooms', { title: `h${i}` });
      rooms.push(created.json as { roomId: string; password: string });
    }
    // Both people of 6 rooms through a, as the proxy sends them: 6 rooms to 0 is past 1.5 × 0 + 3.
    for (const { roomId, password } of rooms.slice(0, 6)) {
      for (const who of ['agent', 'citizen']) {
        const join = await joinFollowing(
          a.url,
          { roomId, displayName: who, password },
          { routedByRoom: true },
        );
        joins.push(join);
        expect(join.hops).toBe(0);
      }
      expect(await cluster.ownerOf(roomId)).toBe('a');
    }
    // Without the proxy's word the count bound applies: a holds 6, b none.
    const plain = await joinFollowing(a.url, {
      roomId: rooms[6]!.roomId,
      displayName: 'x',
      password: rooms[6]!.password,
    });
    joins.push(plain);
    expect(cluster.idOf(plain.url)).toBe('b');
  });

  it('agent through A and citizen through B meet on one node; after kill -9 of it both are back, host and admitted', async () => {
    cluster = await TestCluster.start(['a', 'b', 'c']);
    const [a, b] = [cluster.node('a'), cluster.node('b')];
    const view = await apiClient(a.url, agentToken).book({
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    const agentJoin = { roomId: view.roomId, displayName: 'Alice', token: tokenOf(view.links.agent) };
    const citizenJoin = { roomId: view.roomId, displayName: 'Marie', token: tokenOf(view.links.citizen) };

    const agent = await joinFollowing(a.url, agentJoin);
    joins.push(agent);
    const citizen = await joinFollowing(b.url, citizenJoin);
    joins.push(citizen);
    expect(citizen.url).toBe(agent.url);
    const ownerId = cluster.idOf(agent.url);
    expect(await cluster.ownerOf(view.roomId)).toBe(ownerId);
    expect(agent.result).toMatchObject({ role: 'host', state: 'admitted' });
    expect(citizen.result).toMatchObject({ role: 'guest', state: 'lobby' });
    await vi.waitFor(() => expect(agent.client.received('knock')).toHaveLength(1));
    await agent.client.request('admit', { peerId: citizen.result.peerId });
    await vi.waitFor(() => expect(citizen.client.received('admitted')).toHaveLength(1));

    await cluster.kill(ownerId);
    const killedAt = Date.now();
    const live = cluster.nodes.filter((n) => n.id !== ownerId).map((n) => n.url);
    const deadline = killedAt + 10_000;
    const resume = (join: FollowedJoin) => ({ peerId: join.result.peerId, secret: join.result.resumeSecret });
    const [agentBack, citizenBack] = await Promise.all([
      joinFollowing(a.url, { ...agentJoin, resume: resume(agent) }, { deadline, fallbacks: live }),
      joinFollowing(b.url, { ...citizenJoin, resume: resume(citizen) }, { deadline, fallbacks: live }),
    ]);
    joins.push(agentBack, citizenBack);
    const movedIn = Date.now() - killedAt;
    console.log(`room moved from ${ownerId} to ${cluster.idOf(agentBack.url)} in ${movedIn} ms`);
    expect(movedIn).toBeLessThan(TEST_CLUSTER_TTL_MS * 2 + 3000);
    expect(agentBack.url).toBe(citizenBack.url);
    expect(cluster.idOf(agentBack.url)).not.toBe(ownerId);
    expect(agentBack.result).toMatchObject({ peerId: agent.result.peerId, role: 'host', state: 'admitted' });
    expect(citizenBack.result).toMatchObject({
      peerId: citizen.result.peerId,
      role: 'guest',
      state: 'admitted',
    });
    // They see each other again, without anyone admitting anyone.
    const sees = (join: FollowedJoin): string[] => [
      ...join.result.peers.map((p) => p.peerId),
      ...join.client.received('peerJoined').map((e) => e.peer.peerId),
    ];
    await vi.waitFor(() => expect(sees(agentBack)).toContain(citizen.result.peerId));
    await vi.waitFor(() => expect(sees(citizenBack)).toContain(agent.result.peerId));
    expect(agentBack.client.received('knock')).toEqual([]);
    expect(await cluster.ownerOf(view.roomId)).toBe(cluster.idOf(agentBack.url));
  });
});
