import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { PROTOCOL_VERSION, type ErrorCode, type RequestName } from '../protocol/index.js';
import type { PeerChannel } from '../rooms/peer-channel.js';
import * as controls from '../rooms/room-controls.js';
import type { Membership, RoomService } from '../rooms/room-service.js';
import { wrapRequest, type RequestHandler } from './request-handler.js';
import type { GatewayServer, GatewaySocket } from './socket-types.js';

export interface GatewayDeps {
  io: GatewayServer;
  rooms: RoomService;
  log: Logger;
}

/**
 * The socket.io side of signaling: the version handshake, then one typed
 * handler per protocol request. A socket holds at most one membership.
 */
export function attachGateway({ io, rooms, log }: GatewayDeps): void {
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
    new SocketSession(socket, rooms, log.child({ socketId: socket.id })).attach();
  });
}

class SocketSession {
  readonly #socket: GatewaySocket;
  readonly #rooms: RoomService;
  readonly #log: Logger;
  #membership: Membership | null = null;
  /** This socket's one channel: the identity RoomService checks a disconnect against. */
  readonly #peerChannel: PeerChannel;

  constructor(socket: GatewaySocket, rooms: RoomService, log: Logger) {
    this.#socket = socket;
    this.#rooms = rooms;
    this.#log = log;
    this.#peerChannel = this.#channel();
  }

  attach(): void {
    const on = <N extends RequestName>(name: N, handler: RequestHandler<N>): void => {
      const event: string = name;
      this.#socket.on(
        event,
        wrapRequest(name, handler, () => this.#membership?.participant.log ?? this.#log),
      );
    };

    on('join', async (request) => {
      if (this.#membership && !this.#membership.room.closed) {
        throw new AppError('ALREADY_JOINED', 'this connection is already in a room', 409);
      }
      const { room, participant, result } = await this.#rooms.join(request, this.#peerChannel, {
        address: this.#socket.handshake.address,
      });
      if (this.#socket.disconnected) {
        // The socket went away while we were joining: undo, nobody will send "leave".
        await this.#rooms.leave(room, participant.peerId);
        throw new AppError('NOT_JOINED', 'connection closed during join', 409);
      }
      this.#membership = { room, participant };
      return result;
    });
    on('routerCapabilities', async () => ({ routerRtpCapabilities: this.#member().room.rtpCapabilities }));
    on('createTransport', async ({ direction }) => {
      const { room, participant } = this.#member();
      return room.createTransport(participant.peerId, direction);
    });
    on('connectTransport', async ({ transportId, dtlsParameters }) => {
      const { room, participant } = this.#member();
      await room.connectTransport(participant.peerId, transportId, dtlsParameters);
      return {};
    });
    on('restartIce', async ({ transportId }) => {
      const { room, participant } = this.#member();
      return { iceParameters: await room.restartIce(participant.peerId, transportId) };
    });
    on('produce', async ({ transportId, kind, rtpParameters, source, paused }) => {
      const { room, participant } = this.#member();
      const producerId = await room.produce(participant.peerId, {
        transportId,
        kind,
        rtpParameters,
        source,
        paused: paused ?? false,
      });
      return { producerId };
    });
    on('pauseProducer', async ({ producerId }) => {
      const { room, participant } = this.#member();
      await room.setProducerPaused(participant.peerId, producerId, true);
      return {};
    });
    on('resumeProducer', async ({ producerId }) => {
      const { room, participant } = this.#member();
      await room.setProducerPaused(participant.peerId, producerId, false);
      return {};
    });
    on('closeProducer', async ({ producerId }) => {
      const { room, participant } = this.#member();
      room.closeProducer(participant.peerId, producerId);
      return {};
    });
    on('consume', async (params) => {
      const { room, participant } = this.#member();
      return room.consume(participant.peerId, params);
    });
    on('resumeConsumer', async ({ consumerId }) => {
      const { room, participant } = this.#member();
      await room.resumeConsumer(participant.peerId, consumerId);
      return {};
    });
    on('pauseConsumer', async ({ consumerId }) => {
      const { room, participant } = this.#member();
      await room.pauseConsumer(participant.peerId, consumerId);
      return {};
    });
    on('setPreferredLayers', async ({ consumerId, spatialLayer, temporalLayer }) => {
      const { room, participant } = this.#member();
      await room.setPreferredLayers(participant.peerId, consumerId, spatialLayer, temporalLayer);
      return {};
    });
    on('leave', async () => {
      await this.#leave();
      return {};
    });

    // Lobby and host controls: each checks the sender's role and state (room-controls).
    on('admit', async ({ peerId }) => {
      const { room, participant } = this.#member();
      controls.admit(room, participant.peerId, peerId);
      return {};
    });
    on('refuse', async ({ peerId, reason }) => {
      const { room, participant } = this.#member();
      const target = controls.refuse(room, participant.peerId, peerId, reason);
      await this.#rooms.leave(room, target.peerId);
      return {};
    });
    on('removePeer', async ({ peerId, reason }) => {
      const { room, participant } = this.#member();
      const target = controls.removePeer(room, participant.peerId, peerId, reason);
      await this.#rooms.leave(room, target.peerId);
      return {};
    });
    on('mutePeer', async ({ peerId }) => {
      const { room, participant } = this.#member();
      await controls.mutePeer(room, participant.peerId, peerId);
      return {};
    });
    on('lockRoom', async ({ locked }) => {
      const { room, participant } = this.#member();
      controls.lockRoom(room, participant.peerId, locked);
      return {};
    });
    on('endMeeting', async () => {
      const { room, participant } = this.#member();
      await this.#rooms.endMeeting(room, participant.peerId);
      return {};
    });
    on('requestDocument', async ({ peerId }) => {
      const { room, participant } = this.#member();
      controls.requestDocument(room, participant.peerId, peerId);
      return {};
    });
    on('verifyIdentity', async ({ peerId, method }) => {
      const { room, participant } = this.#member();
      controls.verifyIdentity(room, participant.peerId, peerId, method);
      return {};
    });
    on('lobbyPreview', async ({ image }) => {
      const { room, participant } = this.#member();
      controls.lobbyPreview(room, participant.peerId, image);
      return {};
    });
    on('invite', async () => {
      const { room, participant } = this.#member();
      return this.#rooms.invite(room, participant.peerId);
    });
    on('chat', async ({ text }) => {
      const { room, participant } = this.#member();
      return { at: controls.chat(room, participant.peerId, text) };
    });

    this.#socket.on('disconnect', (reason) => {
      this.#log.debug({ reason }, 'socket disconnected');
      const membership = this.#membership;
      this.#membership = null;
      // Not a leave: the peer keeps its place for a while and may resume on a new connection.
      if (membership)
        this.#rooms.disconnected(membership.room, membership.participant.peerId, this.#peerChannel);
    });
  }

  #member(): Membership {
    const membership = this.#membership;
    if (!membership) throw new AppError('NOT_JOINED', 'join a room first', 409);
    if (membership.room.closed) throw new AppError('ROOM_CLOSED', 'this room has closed; join again', 409);
    return membership;
  }

  async #leave(): Promise<void> {
    const membership = this.#membership;
    this.#membership = null;
    if (membership) await this.#rooms.leave(membership.room, membership.participant.peerId);
  }

  #channel(): PeerChannel {
    const socket = this.#socket;
    return {
      notify: (event, payload) => {
        // The generic key/payload pair is correct by construction (ServerEvents[E]);
        // socket.io's emit typing can't follow a generic event name.
        (socket.emit as (event: string, payload: unknown) => boolean)(event, payload);
      },
      kick: (code, message) => {
        socket.emit('kicked', { code, message });
        socket.disconnect(true);
      },
    };
  }
}
