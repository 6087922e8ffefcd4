import type { ErrorCode, ServerEventName, ServerEvents } from '../protocol/index.js';

/**
 * How the domain talks to one connected peer, whatever carries it
 * (socket.io today). Implemented by the ws gateway.
 */
export interface PeerChannel {
  notify<E extends ServerEventName>(event: E, payload: ServerEvents[E]): void;
  /** Tell the peer why, then drop its connection. */
  kick(code: ErrorCode, message: string): void;
}
