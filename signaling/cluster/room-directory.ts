import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, RoomElsewhereError } from '../errors.js';
import type { RoomId } from '../protocol/index.js';
import type { EntryRoute, RoomPlacement } from '../rooms/room-placement.js';
import { CLAIM_ROOM, RELEASE_ROOM, RENEW_ROOM } from './cluster-scripts.js';
import type { NodeInfo } from './node-info.js';
import type { NodeRegistry } from './node-registry.js';

const ClaimAnswerSchema = z.tuple([z.union([z.literal(0), z.literal(1)]), z.string()]);
const CountSchema = z.number().int();

/** A node whose busiest worker is above this share of a core gets new rooms only if every node is. */
const BUSY_CPU = 0.85;
/*
 * A new room stays on the node its first join reached while that node holds
 * at most KEEP_RATIO × the least loaded node's rooms (per capacity) plus
 * KEEP_ROOMS: a node that gets every first join (no room-hashing proxy in
 * front) keeps its share and passes the rest on, within 30 % of even over
 * 30 rooms (test/integration/cluster-directory.test.ts).
 *
 * Behind the room-hashing proxy (deploy/Caddyfile.cluster) the node asked is
 * the one the proxy sends every join of the room to, and the proxy says so
 * (EntryRoute.routedByRoom). That node keeps the room whatever the counts:
 * the hash already spreads rooms evenly, and in a burst of first joins
 * (everyone at 9:00) the counts only tell which node ran ahead for half a
 * second. Any count bound tripped there: 40 % of a burst's joins were
 * redirected with 1.2 × + 1, 28 % with 1.5 × + 3, 0.4 % with none
 * (BENCHMARKS.md, "Two nodes against one"). Real overload is the busy
 * worker check (BUSY_CPU), which applies in both cases.
 */
const KEEP_RATIO = 1.5;
const KEEP_ROOMS = 3;
/** Tries when the owner found was dead and its claim had to be cleared first. */
const MAX_ATTEMPTS = 4;

export interface DirectoryOptions {
  /** How long a claim lives without renewal: a dead node's rooms are free again after this. */
  claimTtlMs: number;
}

/** Where each room lives. Join asks it before opening a room; the owner keeps renewing its claims. */
export interface RoomDirectory extends RoomPlacement {
  /** The node that owns the room now, if any (the command bus sends there). */
  ownerOf(roomId: RoomId): Promise<string | null>;
  /** Rooms this node holds a claim on. */
  readonly held: number;
  close(): Promise<void>;
}

/** One node: every room is placed here. */
export class EmbeddedRoomDirectory implements RoomDirectory {
  readonly #rooms = new Set<RoomId>();
  readonly #selfId: string;

  constructor(selfId: string) {
    this.#selfId = selfId;
  }

  async claim(roomId: RoomId): Promise<void> {
    this.#rooms.add(roomId);
  }

  release(roomId: RoomId): void {
    this.#rooms.delete(roomId);
  }

  async ownerOf(roomId: RoomId): Promise<string | null> {
    return this.#rooms.has(roomId) ? this.#selfId : null;
  }

  get held(): number {
    return this.#rooms.size;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
  }
}

/**
 * The directory in Redis (LiveKit's room allocator, with claims instead of
 * a lock): the first join of a room claims it, in one script, for the node
 * it reached unless that node holds well over its share (KEEP_RATIO), else
 * for the live node with the fewest rooms per capacity. A claim held by a node the
 * registry no longer lists is cleared (compare-and-delete) and claimed
 * again, so a killed node's rooms move as soon as its heartbeat lapses.
 */
export class RedisRoomDirectory implements RoomDirectory {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #registry: NodeRegistry;
  readonly #options: DirectoryOptions;
  readonly #log: Logger;
  readonly #held = new Set<RoomId>();
  readonly #timer: NodeJS.Timeout;
  /** The live nodes as last read, for `locate` only (claims always read them afresh). */
  #recent: { at: number; nodes: Promise<NodeInfo[]> } | null = null;

  constructor(redis: Redis, prefix: string, registry: NodeRegistry, options: DirectoryOptions, log: Logger) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#registry = registry;
    this.#options = options;
    this.#log = log;
    // Three renewals per TTL: one late or lost renewal does not lose the room.
    this.#timer = setInterval(() => void this.#renewAll(), Math.max(200, options.claimTtlMs / 3));
    this.#timer.unref();
  }

  get held(): number {
    return this.#held.size;
  }

  async claim(roomId: RoomId, route?: EntryRoute): Promise<void> {
    const selfId = this.#registry.self.id;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const live = await this.#registry.liveNodes();
      const pool = candidates(live, selfId);
      const asking = pool[0]?.id === selfId ? selfId : '';
      const { claimed, owner } = await this.#claimFor(roomId, pool, asking, route?.routedByRoom === true);
      if (owner === selfId) {
        this.#held.add(roomId);
        // Claimed for us by a node that redirected the client here, or ours already: renew it.
        if (claimed || (await this.#renew(roomId))) return;
        continue;
      }
      const node = live.find((n) => n.id === owner);
      if (node && node.url !== this.#registry.self.url) throw new RoomElsewhereError(node.url);
      if (node) {
        // A redirect to our own address would come straight back: either this node restarted
        // with a new NODE_ID (the old claim lapses within the TTL) or two nodes share NODE_URL.
        this.#log.error(
          { roomId, owner, url: node.url },
          "room owner has this node's NODE_URL; set NODE_URL per node",
        );
        throw new AppError('MEDIA_ERROR', 'this room is moving between servers; try again');
      }
      // The owner is no longer heart-beating: free its claim, then claim again.
      this.#log.info({ roomId, deadNode: owner }, 'clearing the claim of a dead node');
      await RELEASE_ROOM.run(
        this.#redis,
        [this.#roomKey(roomId), this.#nodeRoomsKey(owner)],
        [owner, roomId],
      );
    }
    throw new Error(`room ${roomId}: no stable owner after ${MAX_ATTEMPTS} attempts`);
  }

  release(roomId: RoomId): void {
    if (!this.#held.delete(roomId)) return;
    const selfId = this.#registry.self.id;
    RELEASE_ROOM.run(
      this.#redis,
      [this.#roomKey(roomId), this.#nodeRoomsKey(selfId)],
      [selfId, roomId],
    ).catch((error: unknown) =>
      this.#log.warn({ err: error, roomId }, 'room claim not released (it will expire)'),
    );
  }

  async ownerOf(roomId: RoomId): Promise<string | null> {
    return this.#redis.get(this.#roomKey(roomId));
  }

  /**
   * One GET, and the live nodes as read at most a third of the TTL ago: a
   * join for a room owned elsewhere is sent on at this cost, instead of
   * the guard, the store read and the credential check that the owner does
   * again anyway (measured in BENCHMARKS.md, "Two nodes against one").
   */
  async locate(roomId: RoomId): Promise<string | null> {
    const owner = await this.#redis.get(this.#roomKey(roomId));
    const self = this.#registry.self;
    if (owner === null || owner === self.id) return null;
    const node = (await this.#recentNodes()).find((n) => n.id === owner);
    // Not heard from lately (dead, or just started), or our own address: the full claim decides.
    if (!node || node.url === self.url) return null;
    return node.url;
  }

  /** Releases every claim at once (graceful shutdown: the rooms' peers rejoin elsewhere). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    const rooms = [...this.#held];
    this.#held.clear();
    const selfId = this.#registry.self.id;
    await Promise.all(
      rooms.map((roomId) =>
        RELEASE_ROOM.run(
          this.#redis,
          [this.#roomKey(roomId), this.#nodeRoomsKey(selfId)],
          [selfId, roomId],
        ).catch(() => undefined),
      ),
    );
  }

  #recentNodes(): Promise<NodeInfo[]> {
    const now = Date.now();
    if (!this.#recent || now - this.#recent.at > this.#options.claimTtlMs / 3) {
      const nodes = this.#registry.liveNodes();
      this.#recent = { at: now, nodes };
      // A failed read is not kept: the next locate reads again.
      nodes.catch(() => {
        if (this.#recent?.nodes === nodes) this.#recent = null;
      });
    }
    return this.#recent.nodes;
  }

  async #claimFor(
    roomId: RoomId,
    nodes: NodeInfo[],
    asking: string,
    keep: boolean,
  ): Promise<{ claimed: boolean; owner: string }> {
    const pairs = nodes.flatMap((n) => [n.id, n.capacity]);
    const answer = ClaimAnswerSchema.parse(
      await CLAIM_ROOM.run(
        this.#redis,
        [this.#roomKey(roomId)],
        [
          roomId,
          this.#options.claimTtlMs,
          this.#prefix,
          asking,
          KEEP_RATIO,
          KEEP_ROOMS,
          keep ? '1' : '0',
          nodes.length,
          ...pairs,
        ],
      ),
    );
    if (answer[0] === 1) this.#log.info({ roomId, owner: answer[1] }, 'room claimed');
    return { claimed: answer[0] === 1, owner: answer[1] };
  }

  async #renew(roomId: RoomId): Promise<boolean> {
    const selfId = this.#registry.self.id;
    const renewed = CountSchema.parse(
      await RENEW_ROOM.run(
        this.#redis,
        [this.#roomKey(roomId), this.#nodeRoomsKey(selfId)],
        [selfId, this.#options.claimTtlMs, roomId],
      ),
    );
    if (renewed === 1) return true;
    this.#held.delete(roomId);
    return false;
  }

  async #renewAll(): Promise<void> {
    for (const roomId of [...this.#held]) {
      try {
        if (!(await this.#renew(roomId))) {
          // Only after Redis lost us for a whole TTL: another node may run the room now.
          this.#log.error({ roomId }, 'room claim lost; another node may own this room now');
        }
      } catch (error) {
        this.#log.warn({ err: error, roomId }, 'room claim renewal failed');
      }
    }
  }

  #roomKey(roomId: RoomId): string {
    return `${this.#prefix}cluster:room:${roomId}`;
  }

  #nodeRoomsKey(nodeId: string): string {
    return `${this.#prefix}cluster:node-rooms:${nodeId}`;
  }
}

/**
 * The nodes a new room may go to, this one first (it keeps the room within
 * KEEP_RATIO, saving a redirect). Nodes whose media workers are busy are left
 * out unless all are: a busy asking node does not keep the room.
 */
function candidates(live: NodeInfo[], selfId: string): NodeInfo[] {
  const ordered = [...live].sort((a, b) => (a.id === selfId ? -1 : b.id === selfId ? 1 : 0));
  const idle = ordered.filter((n) => n.load.workerCpu < BUSY_CPU);
  const pool = idle.length > 0 ? idle : ordered;
  if (pool.length === 0) throw new Error('no live node in the registry (not even this one)');
  return pool;
}
