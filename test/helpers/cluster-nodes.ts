import type { RequestPayload, RequestResults } from '../../signaling/protocol/index.js';
import { cleanRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix, withRedis } from './redis.js';
import { ServerProcess } from './server-process.js';
import { SignalingClient } from './signaling-client.js';

/** How short a heartbeat/claim TTL the cluster tests run with: a killed node's rooms move after this. */
export const TEST_CLUSTER_TTL_MS = 1500;
const CLUSTER_STARTUP_MS = 45_000;
/** A timeout for tests that start a cluster (integration tests default to 30 s). */
export const CLUSTER_TEST_TIMEOUT_MS = 120_000;

export interface ClusterNode {
  id: string;
  process: ServerProcess;
  url: string;
}

/**
 * Several real node processes on one real Redis (their own key prefix),
 * each with its own HTTP port and media ports, as a cluster runs for real.
 */
export class TestCluster {
  readonly nodes: ClusterNode[] = [];
  readonly prefix = uniqueRedisPrefix('cluster');

  static async start(ids: string[], env: Record<string, string> = {}): Promise<TestCluster> {
    const cluster = new TestCluster();
    // Media ports below Linux's ephemeral range, apart from the other tests' ranges.
    let portBase = 23000 + (process.pid % 40) * 20;
    try {
      const started = await Promise.all(
        ids.map((id) =>
          ServerProcess.start(
            {
              REDIS_URL: TEST_REDIS_URL,
              REDIS_KEY_PREFIX: cluster.prefix,
              NODE_ID: id,
              CLUSTER_TTL_MS: String(TEST_CLUSTER_TTL_MS),
              MEDIA_LISTEN_IP: '127.0.0.1',
              MEDIA_PORT_BASE: String((portBase += 2)),
              LOG_LEVEL: 'info',
              // Every test client comes from 127.0.0.1: the per-address caps would refuse the test itself.
              JOINS_PER_ADDRESS_PER_MINUTE: '100000',
              HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000',
              ...env,
              // Three processes compiling the sources at once on a loaded 2-core machine: give them time.
            },
            CLUSTER_STARTUP_MS,
          ).then((process) => ({ id, process, url: process.url })),
        ),
      );
      cluster.nodes.push(...started);
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  node(id: string): ClusterNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** The node a URL belongs to (a ROOM_ELSEWHERE location, or where a client ended up). */
  idOf(url: string): string {
    const origin = new URL(url).origin;
    const node = this.nodes.find((n) => new URL(n.url).origin === origin);
    if (!node) throw new Error(`no node at ${url}`);
    return node.id;
  }

  /** The owner recorded in the room directory. */
  async ownerOf(roomId: string): Promise<string | null> {
    return withRedis((client) => client.get(`${this.prefix}cluster:room:${roomId}`));
  }

  async kill(id: string): Promise<void> {
    await this.node(id).process.kill('SIGKILL');
  }

  async close(): Promise<void> {
    for (const node of this.nodes.splice(0)) await node.process.kill();
    await withRedis((client) => cleanRedisPrefix(client, this.prefix));
  }
}

export interface FollowedJoin {
  client: SignalingClient;
  result: RequestResults['join'];
  /** The node that accepted the join. */
  url: string;
  hops: number;
}

/**
 * What every protocol client does: join at `entry`; on ROOM_ELSEWHERE, close,
 * connect to the location and join again. Until `deadline` (epoch ms),
 * unreachable nodes and dead owners are retried, through `fallbacks` too.
 */
export async function joinFollowing(
  entry: string,
  payload: RequestPayload<'join'>,
  options: {
    deadline?: number;
    fallbacks?: string[];
    /** The first hop came through the room-hashing proxy, which says so (X-Guichet-Route). */
    routedByRoom?: boolean;
  } = {},
): Promise<FollowedJoin> {
  const deadline = options.deadline ?? Date.now() + 5000;
  let lastError = 'no attempt';
  for (;;) {
    for (const start of [entry, ...(options.fallbacks ?? [])]) {
      let url = start;
      for (let hops = 0; hops <= 3; hops += 1) {
        let client: SignalingClient;
        try {
          // Only the proxy's own choice carries its word; a redirect goes straight to the owner.
          client =
            options.routedByRoom && url === start
              ? await SignalingClient.connect(url, undefined, {
                  headers: { 'X-Guichet-Route': 'room' },
                  query: { room: payload.roomId },
                })
              : await SignalingClient.connect(url);
        } catch (error) {
          lastError = `${url}: ${error instanceof Error ? error.message : String(error)}`;
          break;
        }
        const ack = await client.raw('join', payload).catch((error: unknown) => {
          client.close();
          throw error;
        });
        if (ack.ok) return { client, result: ack.data as RequestResults['join'], url, hops };
        client.close();
        lastError = `${url}: ${ack.error.code} ${ack.error.message}`;
        if (ack.error.code !== 'ROOM_ELSEWHERE' || !ack.error.location) {
          if (ack.error.code === 'SHUTTING_DOWN' || ack.error.code === 'INTERNAL') break;
          throw new Error(`join refused: ${lastError}`);
        }
        url = ack.error.location;
      }
    }
    if (Date.now() > deadline) throw new Error(`join did not land before the deadline: ${lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
