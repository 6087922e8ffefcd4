import { createHash, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { PeerIdSchema, type PeerId, type RoomId } from '../protocol/index.js';
import type { MemberLedger, MemberRecord } from '../rooms/room-placement.js';

/** How long a room's members are remembered after the last change (a day covers any appointment). */
const LEDGER_TTL_SECONDS = 24 * 3600;

const StoredMemberSchema = z.object({
  peerId: PeerIdSchema,
  displayName: z.string().max(200),
  role: z.enum(['host', 'guest']),
  state: z.enum(['lobby', 'admitted']),
  /** SHA-256 of the resume secret: the ledger can check a secret, not hand one out. */
  secretDigest: z.string().regex(/^[0-9a-f]{64}$/),
});
type StoredMember = z.infer<typeof StoredMemberSchema>;

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function matches(stored: StoredMember, secret: string): boolean {
  return timingSafeEqual(Buffer.from(stored.secretDigest, 'hex'), Buffer.from(digest(secret), 'hex'));
}

function toRecord({ peerId, displayName, role, state }: StoredMember): MemberRecord {
  return { peerId, displayName, role, state };
}

/** One node: the members of rooms on this process (a room reopened on a fresh worker finds them). */
export class MemoryMemberLedger implements MemberLedger {
  readonly #rooms = new Map<RoomId, Map<PeerId, StoredMember>>();
  /** Last change per room: rooms left behind (a crash of their media, a shutdown) go after the TTL. */
  readonly #touched = new Map<RoomId, number>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(roomId: RoomId, member: MemberRecord, resumeSecret: string): void {
    this.#prune();
    let members = this.#rooms.get(roomId);
    if (!members) this.#rooms.set(roomId, (members = new Map()));
    members.set(member.peerId, { ...member, secretDigest: digest(resumeSecret) });
    this.#touched.set(roomId, this.now());
  }

  forgetRoom(roomId: RoomId): void {
    this.#rooms.delete(roomId);
    this.#touched.delete(roomId);
  }

  get rooms(): number {
    return this.#rooms.size;
  }

  #prune(): void {
    const oldest = this.now() - LEDGER_TTL_SECONDS * 1000;
    for (const [roomId, at] of this.#touched) if (at < oldest) this.forgetRoom(roomId);
  }

  async recall(roomId: RoomId, peerId: PeerId, resumeSecret: string): Promise<MemberRecord | null> {
    const stored = this.#rooms.get(roomId)?.get(peerId);
    return stored && matches(stored, resumeSecret) ? toRecord(stored) : null;
  }

  forget(roomId: RoomId, peerId: PeerId): void {
    const members = this.#rooms.get(roomId);
    members?.delete(peerId);
    if (members?.size === 0) this.forgetRoom(roomId);
  }
}

/**
 * The members of every room in one Redis hash per room, so that the node
 * that takes over a room after its owner died gives each person back their
 * role and admission when they resume. Writes are fire-and-forget (logged on
 * failure): a lost write costs at most a knock in the lobby after a failover.
 */
export class RedisMemberLedger implements MemberLedger {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #log: Logger;

  constructor(redis: Redis, prefix: string, log: Logger) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#log = log;
  }

  remember(roomId: RoomId, member: MemberRecord, resumeSecret: string): void {
    const stored: StoredMember = { ...member, secretDigest: digest(resumeSecret) };
    const key = this.#key(roomId);
    this.#redis
      .multi()
      .hset(key, member.peerId, JSON.stringify(stored))
      .expire(key, LEDGER_TTL_SECONDS)
      .exec()
      .catch((error: unknown) => this.#log.warn({ err: error, roomId }, 'member not recorded'));
  }

  async recall(roomId: RoomId, peerId: PeerId, resumeSecret: string): Promise<MemberRecord | null> {
    const text = await this.#redis.hget(this.#key(roomId), peerId);
    if (text === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = StoredMemberSchema.safeParse(json);
    if (!parsed.success) {
      this.#log.warn({ roomId }, 'unreadable member record ignored');
      return null;
    }
    return matches(parsed.data, resumeSecret) ? toRecord(parsed.data) : null;
  }

  forget(roomId: RoomId, peerId: PeerId): void {
    this.#redis
      .hdel(this.#key(roomId), peerId)
      .catch((error: unknown) => this.#log.warn({ err: error, roomId }, 'member not forgotten'));
  }

  forgetRoom(roomId: RoomId): void {
    this.#redis
      .del(this.#key(roomId))
      .catch((error: unknown) => this.#log.warn({ err: error, roomId }, 'room members not forgotten'));
  }

  #key(roomId: RoomId): string {
    return `${this.#prefix}cluster:members:${roomId}`;
  }
}
