import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import {
  LocalCommandBus,
  RedisCommandBus,
  type CommandBus,
  type RoomCommandHandler,
} from '../signaling/cluster/command-bus.js';
import { NODE_ID_PATTERN, type NodeInfo, type NodeLoad } from '../signaling/cluster/node-info.js';
import {
  EmbeddedNodeRegistry,
  RedisNodeRegistry,
  type NodeRegistry,
  type RegistryOptions,
} from '../signaling/cluster/node-registry.js';
import {
  EmbeddedRoomDirectory,
  RedisRoomDirectory,
  type RoomDirectory,
} from '../signaling/cluster/room-directory.js';
import type { RoomCommand } from '../signaling/rooms/room-command.js';
import type { RoomId } from '../signaling/protocol/index.js';
import type { Config } from './config.js';
import { cpuTicks } from './metrics.js';

const USER_HZ = 100;

/** What the cluster reads of this node at each heartbeat, and who acts on a room command. */
export interface ClusterHooks {
  url(): string;
  rooms(): number;
  peers(): number;
  workerPids(): number[];
}

/**
 * This node's part in the cluster: its registry entry, the room directory
 * (RoomService's RoomPlacement) and the command bus. With REDIS_URL they
 * live in Redis; without, they are this process's own (one node: every room
 * is placed here, commands go straight in). Members' places (role,
 * admission, resume digest) are in the store, where any node reads them.
 */
export interface Cluster {
  readonly nodeId: string;
  readonly registry: NodeRegistry;
  readonly directory: RoomDirectory;
  /** Valid after `start`. */
  readonly bus: CommandBus;
  /** The live nodes as of the last refresh (for CSP and the client's fallback list). */
  knownNodes(): NodeInfo[];
  /** Lists this node (once it listens) and subscribes the bus, delivering to `deliver`. */
  start(deliver: RoomCommandHandler): Promise<void>;
  /** Leaves the cluster: claims released, registry entry removed, connections closed. Idempotent. */
  close(): Promise<void>;
}

export function defaultNodeId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 40) || 'node';
  const id = `${host}-${randomUUID().slice(0, 8)}`;
  if (!NODE_ID_PATTERN.test(id)) throw new Error(`cannot derive a node id from host name ${hostname()}`);
  return id;
}

/** The busiest worker's share of one core since the previous call (0..1), from /proc. */
function workerCpuSampler(pids: () => number[]): () => number {
  let last = new Map<number, { ticks: number; at: number }>();
  return () => {
    const now = performance.now();
    const next = new Map<number, { ticks: number; at: number }>();
    let busiest = 0;
    for (const pid of pids()) {
      const ticks = cpuTicks('/proc', pid);
      if (ticks === null) continue;
      next.set(pid, { ticks, at: now });
      const before = last.get(pid);
      if (before && now > before.at) {
        busiest = Math.max(busiest, (ticks - before.ticks) / USER_HZ / ((now - before.at) / 1000));
      }
    }
    last = next;
    return Math.min(1, Math.max(0, busiest));
  };
}

const notStarted: CommandBus = {
  send: async (_roomId: RoomId, _command: RoomCommand) => {
    throw new Error('the command bus is not started');
  },
  close: async () => undefined,
};

export function createCluster(config: Config, hooks: ClusterHooks, log: Logger): Cluster {
  const clusterLog = log.child({ component: 'cluster' });
  const nodeId = config.node.id ?? defaultNodeId();
  const ttlMs = config.node.ttlMs;
  const periodMs = Math.max(250, Math.floor(ttlMs / 3));
  const sampleCpu = workerCpuSampler(hooks.workerPids);
  let workerCpu = 0;
  const options: RegistryOptions = {
    self: {
      id: nodeId,
      mediaAddress: config.media.announcedAddress ?? config.media.listenIp,
      capacity: config.node.maxRooms,
      startedAt: Date.now(),
    },
    url: () => config.node.url ?? config.publicUrl ?? hooks.url(),
    load: (): NodeLoad => ({ rooms: hooks.rooms(), peers: hooks.peers(), workerCpu }),
    heartbeatMs: periodMs,
    ttlMs,
  };

  if (!config.store.redisUrl) {
    const registry = new EmbeddedNodeRegistry(options);
    const directory = new EmbeddedRoomDirectory(nodeId);
    let bus = notStarted;
    return {
      nodeId,
      registry,
      directory,
      get bus() {
        return bus;
      },
      knownNodes: () => [registry.self],
      async start(deliver) {
        bus = new LocalCommandBus(deliver);
      },
      close: () => directory.close(),
    };
  }

  const connect = (role: string): Redis => {
    const client = new Redis(config.store.redisUrl ?? '', {
      maxRetriesPerRequest: 3,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      connectionName: `guichet-${nodeId}-${role}`,
    });
    client.on('error', (error: Error) =>
      clusterLog.warn({ role, reason: error.message }, 'redis connection error'),
    );
    return client;
  };
  const prefix = config.store.redisKeyPrefix;
  const redis = connect('cluster');
  const registry = new RedisNodeRegistry(redis, prefix, options, clusterLog);
  const directory = new RedisRoomDirectory(redis, prefix, registry, { claimTtlMs: ttlMs }, clusterLog);
  let bus = notStarted;
  let known: NodeInfo[] = [];
  let refresh: NodeJS.Timeout | undefined;
  let closing: Promise<void> | null = null;

  return {
    nodeId,
    registry,
    directory,
    get bus() {
      return bus;
    },
    knownNodes: () => known,
    async start(deliver) {
      await registry.start();
      bus = await RedisCommandBus.create(
        redis,
        connect('bus'),
        prefix,
        { nodeId, ownerOf: (roomId) => directory.ownerOf(roomId), deliver },
        clusterLog,
      );
      const update = (): void => {
        workerCpu = sampleCpu();
        registry.liveNodes().then(
          (nodes) => (known = nodes),
          (error: unknown) => clusterLog.warn({ err: error }, 'cluster node list not refreshed'),
        );
      };
      update();
      refresh = setInterval(update, periodMs);
      refresh.unref();
      clusterLog.info({ nodeId, url: registry.self.url }, 'node joined the cluster');
    },
    close() {
      closing ??= (async () => {
        clearInterval(refresh);
        await directory.close();
        await registry.stop();
        await bus.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };
}

/** The cluster as seen from this node, read at scrape time. */
export function registerClusterMetrics(registry: Registry, cluster: Cluster): void {
  new Gauge({
    name: 'guichet_cluster_nodes_live',
    help: 'Nodes heart-beating in the registry, this one included (as of the last refresh)',
    registers: [registry],
    collect() {
      this.set(cluster.knownNodes().length);
    },
  });
  new Gauge({
    name: 'guichet_cluster_rooms_claimed',
    help: 'Rooms whose directory claim this node holds and renews',
    registers: [registry],
    collect() {
      this.set(cluster.directory.held);
    },
  });
}
