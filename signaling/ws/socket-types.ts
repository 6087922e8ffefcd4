import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { ServerEventName, ServerEvents } from '../protocol/index.js';

/** What the server emits, typed from the protocol. Incoming events are untyped on purpose: they are parsed. */
export type EmitEvents = { [E in ServerEventName]: (payload: ServerEvents[E]) => void };
export type GatewayServer = Server<DefaultEventsMap, EmitEvents>;
export type GatewaySocket = Socket<DefaultEventsMap, EmitEvents>;
