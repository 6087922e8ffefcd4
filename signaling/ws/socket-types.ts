import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { ServerEventName, ServerEvents } from '../protocol/index.js';

/** What the server emits, typed from the protocol. Incoming events are untyped on purpose: they are parsed. */
export type EmitEvents = { [E in ServerEventName]: (payload: ServerEvents[E]) => void };
export type GatewayServer = Server<DefaultEventsMap, EmitEvents>;
export type GatewaySocket = Socket<DefaultEventsMap, EmitEvents>;

/**
 * The socket.io server's options (the benchmark's bare socket.io floor uses
 * the same). Above maxHttpBufferSize socket.io drops the connection; the
 * gateway's own, smaller cap answers INVALID_PAYLOAD below it.
 */
export const SOCKET_SERVER_OPTIONS = {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: 256 * 1024,
} as const;
