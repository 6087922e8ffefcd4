import type { EntryRoute } from '../rooms/room-placement.js';
import type { GatewaySocket } from './socket-types.js';

/** The header a room-hashing proxy sets on the sockets it routes by `?room=` (deploy/Caddyfile.cluster). */
export const ROUTE_HEADER = 'x-guichet-route';

export interface SocketClient {
  /** The caller's address, for the guessing and join caps. */
  address: string;
  /** How the proxy chose this node, for the join that opens a room (see EntryRoute). */
  routeFor(roomId: string): EntryRoute;
}

/**
 * Who is on the other end of a socket. Without TRUST_PROXY: the TCP peer,
 * and no proxy's word is taken. With it, every socket comes from the proxy,
 * so the address is the last X-Forwarded-For entry (the one our proxy
 * added; entries before it are the client's own claim), and the proxy's
 * route header is believed.
 */
export function socketClient(socket: GatewaySocket, trustProxy: boolean): SocketClient {
  const { headers, query, address } = socket.handshake;
  if (!trustProxy) return { address, routeFor: () => ({ routedByRoom: false }) };
  const forwarded = lastEntry(headers['x-forwarded-for']);
  const routedRoom = lastEntry(headers[ROUTE_HEADER]) === 'room' ? query['room'] : undefined;
  return {
    address: forwarded ?? address,
    // The proxy hashed the socket's `?room=`: that is this node for the room joined only if it is the same room.
    routeFor: (roomId) => ({ routedByRoom: typeof routedRoom === 'string' && routedRoom === roomId }),
  };
}

function lastEntry(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  const last = text?.split(',').at(-1)?.trim();
  return last ? last : undefined;
}
