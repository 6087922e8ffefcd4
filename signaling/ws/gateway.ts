import type { Logger } from 'pino';
import { AppError, RateLimitedError } from '../errors.js';
import {
  PROTOCOL_VERSION,
  type ErrorCode,
  type RequestName,
  type RequestResults,
} from '../protocol/index.js';
import type { Member } from '../rooms/member.js';
import type { PeerChannel } from '../rooms/peer-channel.js';
import type { RoomService } from '../rooms/room-service.js';
import {
  DEFAULT_MESSAGE_BUDGET,
  MessageBudget,
  type MessageBudgetOptions,
} from '../security/message-budget.js';
import { enterRequestOf } from './join-request.js';
import { errorAck, wrapRequest, type ParsedRequest, type RequestHandler } from './request-handler.js';
import { socketChannel } from './socket-channel.js';
import { socketClient, type SocketClient } from './socket-client.js';
import type { GatewayServer, GatewaySocket } from './socket-types.js';

export interface GatewayDeps {
  io: GatewayServer;
  rooms: RoomService;
  log: Logger;
  /** A connection that has not joined a room within this time is closed (default 30 s). */
  joinTimeoutMs?: number;
  /** Socket messages per connection (signaling/security/message-budget.ts). */
  messageBudget?: MessageBudgetOptions;
  /** One refusal by an abuse cap, by cap name (the metrics' guichet_abuse_refused_total). */
  onRefused?: (cap: string) => void;
  /** TRUST_PROXY: the client's address and the proxy's routing come from its headers (socket-client.ts). */
  trustProxy?: boolean;
}

const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
const EMPTY: Record<string, never> = {};

/** Every request but join, as a call on the member: the whole of the gateway's knowledge of the room. */
type MemberRequests = {
  [N in Exclude<RequestName, 'join' | 'leave'>]: (
    member: Member,
    data: ParsedRequest<N>,
  ) => Promise<RequestResults[N]> | RequestResults[N];
};

const MEMBER_REQUESTS: MemberRequests = {
  routerCapabilities: (m) => ({ routerRtpCapabilities: m.routerCapabilities() }),
  createTransport: (m, { direction }) => m.createTransport(direction),
  createPlainTransport: (m, target) => m.createPlainTransport(target),
  connectTransport: async (m, { transportId, dtlsParameters }) => {
    await m.connectTransport(transportId, dtlsParameters);
    return EMPTY;
  },
  restartIce: async (m, { transportId }) => ({ iceParameters: await m.restartIce(transportId) }),
  produce: async (m, { transportId, kind, rtpParameters, source, paused }) => ({
    producerId: await m.produce({ transportId, kind, rtpParameters, source, paused: paused ?? false }),
  }),
  pauseProducer: async (m, { producerId }) => {
    await m.setProducerPaused(producerId, true);
    return EMPTY;
  },
  resumeProducer: async (m, { producerId }) => {
    await m.setProducerPaused(producerId, false);
    return EMPTY;
  },
  closeProducer: (m, { producerId }) => {
    m.closeProducer(producerId);
    return EMPTY;
  },
  consume: (m, params) => m.consume(params),
  resumeConsumer: async (m, { consumerId }) => {
    await m.resumeConsumer(consumerId);
    return EMPTY;
  },
  pauseConsumer: async (m, { consumerId }) => {
    await m.pauseConsumer(consumerId);
    return EMPTY;
  },
  setPreferredLayers: async (m, { consumerId, spatialLayer, temporalLayer }) => {
    await m.setPreferredLayers(consumerId, spatialLayer, temporalLayer);
    return EMPTY;
  },
  admit: (m, { peerId }) => {
    m.admit(peerId);
    return EMPTY;
  },
  refuse: async (m, { peerId, reason }) => {
    await m.refuse(peerId, reason);
    return EMPTY;
  },
  removePeer: async (m, { peerId, reason }) => {
    await m.remove(peerId, reason);
    return EMPTY;
  },
  mutePeer: async (m, { peerId }) => {
    await m.mute(peerId);
    return EMPTY;
  },
  lockRoom: (m, { locked }) => {
    m.lock(locked);
    return EMPTY;
  },
  endMeeting: async (m) => {
    await m.endMeeting();
    return EMPTY;
  },
  requestDocument: (m, { peerId }) => {
    m.requestDocument(peerId);
    return EMPTY;
  },
  documentState: (m, report) => {
    m.documentState(report);
    return EMPTY;
  },
  verifyIdentity: (m, { peerId, method }) => {
    m.verifyIdentity(peerId, method);
    return EMPTY;
  },
  lobbyPreview: (m, { image }) => {
    m.lobbyPreview(image);
    return EMPTY;
  },
  chat: (m, { text }) => ({ at: m.chat(text) }),
  invite: (m) => m.invite(),
};

/**
 * The socket.io side of signaling: the version handshake, then each
 * protocol request as one call on the socket's member. A socket holds at
 * most one member, and a socket that joins nothing in time is closed.
 */
export function attachGateway({
  io,
  rooms,
  log,
  joinTimeoutMs,
  messageBudget,
  onRefused,
  trustProxy,
}: GatewayDeps): void {
  io.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const version =
      typeof auth === 'object' && auth !== null ? Reflect.get(auth, 'protocolVersion') : undefined;
    if (version === PROTOCOL_VERSION) return next();
    const error = Object.assign(new Error(`protocol version ${PROTOCOL_VERSION} required`), {
      data: { code: 'PROTOCOL_VERSION' satisfies ErrorCode, expected: PROTOCOL_VERSION },
    });
    next(error);
  });

  io.on('connection', (socket) => {
    const session = new SocketSession(
      socket,
      socketClient(socket, trustProxy === true),
      rooms,
      log.child({ socketId: socket.id }),
    );
    session.limitMessages(
      new MessageBudget(messageBudget ?? DEFAULT_MESSAGE_BUDGET),
      onRefused ?? (() => undefined),
    );
    session.attach(joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS);
  });
}

class SocketSession {
  readonly #socket: GatewaySocket;
  readonly #client: SocketClient;
  readonly #rooms: RoomService;
  readonly #log: Logger;
  #member: Member | null = null;
  /** Set from the moment a join is taken in: a second join on this socket is refused. */
  #joining = false;
  /** This socket's one channel: the identity RoomService checks a disconnect against. */
  readonly #channel: PeerChannel;
  #joinTimer: NodeJS.Timeout | undefined;

  constructor(socket: GatewaySocket, client: SocketClient, rooms: RoomService, log: Logger) {
    this.#socket = socket;
    this.#client = client;
    this.#rooms = rooms;
    this.#log = log;
    this.#channel = socketChannel(socket);
  }

  /**
   * Every incoming message, whatever its name, first takes a token from the
   * connection's budget. Over it the request is answered RATE_LIMITED (with
   * retryAfterSeconds) and never parsed; a connection that keeps flooding is
   * told why (`kicked`) and closed. Messages already queued behind the
   * closing one are dropped unanswered: the socket is gone.
   */
  limitMessages(budget: MessageBudget, onRefused: (cap: string) => void): void {
    let closed = false;
    this.#socket.on('disconnect', () => {
      this.#log.debug({ messageBudget: budget.usage() }, 'socket message use');
    });
    this.#socket.use((packet, next) => {
      if (closed) return;
      const taken = budget.take();
      if (taken.verdict === 'accept') return next();
      onRefused('socket-messages');
      if (taken.verdict === 'disconnect') {
        closed = true;
        onRefused('socket-flood-disconnect');
        this.#log.warn({ event: packet[0] }, 'connection kept flooding past its message cap; closing it');
        this.#channel.kick('RATE_LIMITED', 'too many messages on this connection; connection closed');
        return;
      }
      const ack: unknown = packet[packet.length - 1];
      if (typeof ack !== 'function') return;
      const error = new RateLimitedError(
        'too many messages on this connection; slow down',
        taken.retryAfterSeconds,
      );
      (ack as (answer: unknown) => void)(errorAck(error, String(packet[0]), () => this.#log));
    });
  }

  attach(joinTimeoutMs: number): void {
    const logger = (): Logger => this.#member?.log ?? this.#log;
    const on = <N extends RequestName>(name: N, handler: RequestHandler<N>): void => {
      const event: string = name;
      this.#socket.on(event, wrapRequest(name, handler, logger));
    };
    const armJoinTimer = (): void => {
      clearTimeout(this.#joinTimer);
      // An idle connection holds a file descriptor for nothing.
      this.#joinTimer = setTimeout(() => {
        if (this.#current() || this.#joining) return;
        this.#log.debug('no join in time; closing the connection');
        this.#channel.kick('JOIN_TIMEOUT', 'no room joined in time');
      }, joinTimeoutMs);
      this.#joinTimer.unref();
    };
    armJoinTimer();

    on('join', async (request) => {
      // Checked and set before the first await: two joins sent at once can't both pass.
      if (this.#joining || this.#current()) {
        throw new AppError('ALREADY_JOINED', 'this connection is already in a room');
      }
      this.#joining = true;
      try {
        const entry = enterRequestOf(request);
        const { member, result } = await this.#rooms.enter(entry, this.#channel, {
          address: this.#client.address,
          route: this.#client.routeFor(entry.roomId),
        });
        if (this.#socket.disconnected) {
          // The socket went away while we were joining: undo, nobody will send "leave".
          await member.leave();
          throw new AppError('NOT_JOINED', 'connection closed during join');
        }
        this.#member = member;
        clearTimeout(this.#joinTimer);
        return result;
      } finally {
        this.#joining = false;
      }
    });
    on('leave', async () => {
      const member = this.#member;
      this.#member = null;
      if (member) await member.leave();
      armJoinTimer();
      return EMPTY;
    });
    for (const name of Object.keys(MEMBER_REQUESTS) as (keyof MemberRequests)[]) {
      this.#register(name, on);
    }

    this.#socket.on('disconnect', (reason) => {
      this.#log.debug({ reason }, 'socket disconnected');
      clearTimeout(this.#joinTimer);
      const member = this.#member;
      this.#member = null;
      // Not a leave: the member keeps its place for a while and may resume on a new connection.
      if (member) this.#rooms.disconnected(member, this.#channel);
    });
  }

  #register<N extends keyof MemberRequests>(
    name: N,
    on: (name: N, handler: RequestHandler<N>) => void,
  ): void {
    const call: MemberRequests[N] = MEMBER_REQUESTS[name];
    on(name, async (data) => call(this.#joined(), data));
  }

  /** The member, while its room is open. */
  #current(): Member | null {
    const member = this.#member;
    return member && !member.room.closed ? member : null;
  }

  #joined(): Member {
    if (!this.#member) throw new AppError('NOT_JOINED', 'join a room first');
    if (this.#member.room.closed) throw new AppError('ROOM_CLOSED', 'this room has closed; join again');
    return this.#member;
  }
}
