import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { NodeInfoSchema, type NodeInfo, type NodeLoad } from './node-info.js';

/** The live nodes of the cluster, this one included; a node that stops heart-beating drops out after the TTL. */
export interface NodeRegistry {
  readonly self: NodeInfo;
  /** Every live node (this one first), as last heard from. */
  liveNodes(): Promise<NodeInfo[]>;
  /** Starts heart-beating (the first beat is awaited: a node is listed once it starts). */
  start(): Promise<void>;
  /** Stops heart-beating and removes this node at once (graceful shutdown). Idempotent. */
  stop(): Promise<void>;
}

export interface RegistryOptions {
  self: Omit<NodeInfo, 'url' | 'load' | 'seenAt'>;
  /** Read at each heartbeat: in development the address is only known once the server listens. */
  url: () => string;
  /** Read at each heartbeat. */
  load: () => NodeLoad;
  heartbeatMs: number;
  /** A node not heard from for this long is dead. */
  ttlMs: number;
}

/** One node, nothing to share: the default with the embedded store. */
export class EmbeddedNodeRegistry implements NodeRegistry {
  readonly #options: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  get self(): NodeInfo {
    return selfInfo(this.#options);
  }

  async liveNodes(): Promise<NodeInfo[]> {
    return [this.self];
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}

/**
 * Each node writes its record under `cluster:node:<id>` with a TTL and adds
 * its id to the `cluster:nodes` set. Readers take the set and the records in
 * two round trips; ids whose record has expired are pruned from the set.
 */
export class RedisNodeRegistry implements NodeRegistry {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #options: RegistryOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(redis: Redis, prefix: string, options: RegistryOptions, log: Logger) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#options = options;
    this.#log = log;
  }

  get self(): NodeInfo {
    return selfInfo(this.#options);
  }

  async start(): Promise<void> {
    await this.#beat();
    this.#timer = setInterval(() => {
      this.#beat().catch((error: unknown) => this.#log.warn({ err: error }, 'node heartbeat failed'));
    }, this.#options.heartbeatMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    const id = this.#options.self.id;
    await this.#redis
      .multi()
      .del(this.#nodeKey(id))
      .srem(this.#setKey(), id)
      .exec()
      .catch((error: unknown) => this.#log.warn({ err: error }, 'node deregistration failed'));
  }

  async liveNodes(): Promise<NodeInfo[]> {
    const ids = await this.#redis.smembers(this.#setKey());
    if (ids.length === 0) return [];
    const texts = await this.#redis.mget(...ids.map((id) => this.#nodeKey(id)));
    const nodes: NodeInfo[] = [];
    const gone: string[] = [];
    texts.forEach((text, i) => {
      const parsed = text === null ? null : NodeInfoSchema.safeParse(safeJson(text));
      if (parsed?.success) nodes.push(parsed.data);
      else {
        if (parsed) this.#log.warn({ nodeId: ids[i] }, 'unreadable node record ignored');
        gone.push(ids[i] ?? '');
      }
    });
    if (gone.length > 0) await this.#redis.srem(this.#setKey(), ...gone);
    const selfId = this.#options.self.id;
    return nodes.sort((a, b) => (a.id === selfId ? -1 : b.id === selfId ? 1 : a.id.localeCompare(b.id)));
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    const record = NodeInfoSchema.parse(this.self);
    await this.#redis
      .multi()
      .set(this.#nodeKey(record.id), JSON.stringify(record), 'PX', this.#options.ttlMs)
      .sadd(this.#setKey(), record.id)
      .exec();
  }

  #nodeKey(id: string): string {
    return `${this.#prefix}cluster:node:${id}`;
  }

  #setKey(): string {
    return `${this.#prefix}cluster:nodes`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function selfInfo(options: RegistryOptions): NodeInfo {
  return { ...options.self, url: options.url(), load: options.load(), seenAt: Date.now() };
}
