import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RoomIdSchema, type RoomId } from '../protocol/index.js';
import type { RoomCommand, RoomCommandSink } from '../rooms/room-command.js';

/** Acts on a room of this node (RoomService.apply). */
export type RoomCommandHandler = (roomId: RoomId, command: RoomCommand) => Promise<void>;

const RoomCommandSchema: z.ZodType<RoomCommand> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cancel') }),
  z.object({ kind: z.literal('reschedule'), startsAt: z.iso.datetime({ offset: true }) }),
  z.object({ kind: z.literal('end') }),
]);

const EnvelopeSchema = z.object({ roomId: RoomIdSchema, command: RoomCommandSchema });

export interface CommandBus extends RoomCommandSink {
  close(): Promise<void>;
}

/** One node: a command goes straight to the local room. */
export class LocalCommandBus implements CommandBus {
  readonly #deliver: RoomCommandHandler;

  constructor(deliver: RoomCommandHandler) {
    this.#deliver = deliver;
  }

  send(roomId: RoomId, command: RoomCommand): Promise<void> {
    return this.#deliver(roomId, RoomCommandSchema.parse(command));
  }

  async close(): Promise<void> {}
}

export interface RedisBusOptions {
  /** This node's id: it listens on its own channel. */
  nodeId: string;
  /** Who owns a room now (the directory), or null if it is open nowhere. */
  ownerOf: (roomId: RoomId) => Promise<string | null>;
  deliver: RoomCommandHandler;
}

/**
 * Commands travel to the room, not the other way round: `send` looks up the
 * room's owner and publishes on that node's channel (`cluster:commands:<id>`);
 * each node subscribes to its own channel on a connection of its own (a
 * subscribed connection can do nothing else) and validates every message
 * before it acts. A room open nowhere has nothing to tell: send is a no-op.
 * Pub/sub is at-most-once, which fits: the command's lasting effect is in the
 * store (the appointment is cancelled there first), the bus only tells the
 * people inside now.
 */
export class RedisCommandBus implements CommandBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #options: RedisBusOptions;
  readonly #log: Logger;

  private constructor(
    publisher: Redis,
    subscriber: Redis,
    prefix: string,
    options: RedisBusOptions,
    log: Logger,
  ) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#prefix = prefix;
    this.#options = options;
    this.#log = log;
  }

  /** Resolves once this node's channel is subscribed. The bus owns `subscriber` and quits it on close. */
  static async create(
    publisher: Redis,
    subscriber: Redis,
    prefix: string,
    options: RedisBusOptions,
    log: Logger,
  ): Promise<RedisCommandBus> {
    const bus = new RedisCommandBus(publisher, subscriber, prefix, options, log);
    const channel = bus.#channel(options.nodeId);
    subscriber.on('message', (from: string, text: string) => {
      if (from === channel) void bus.#receive(text);
    });
    await subscriber.subscribe(channel);
    return bus;
  }

  async send(roomId: RoomId, command: RoomCommand): Promise<void> {
    const envelope = EnvelopeSchema.parse({ roomId, command });
    const owner = await this.#options.ownerOf(roomId);
    if (owner === null) return;
    if (owner === this.#options.nodeId) return this.#options.deliver(envelope.roomId, envelope.command);
    const receivers = await this.#publisher.publish(this.#channel(owner), JSON.stringify(envelope));
    if (receivers === 0)
      this.#log.warn({ roomId, owner }, 'room command had no listener (its node is gone?)');
  }

  async close(): Promise<void> {
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }

  async #receive(text: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = EnvelopeSchema.safeParse(json);
    if (!parsed.success) {
      this.#log.warn({ issues: parsed.error.issues.length }, 'malformed room command dropped');
      return;
    }
    const { roomId, command } = parsed.data;
    try {
      await this.#options.deliver(roomId, command);
    } catch (error) {
      this.#log.error({ err: error, roomId, kind: command.kind }, 'room command failed');
    }
  }

  #channel(nodeId: string): string {
    return `${this.#prefix}cluster:commands:${nodeId}`;
  }
}
