import { io, type Socket } from 'socket.io-client';
import {
  AckSchema,
  EVENT_PARSERS,
  PROTOCOL_VERSION,
  RESULT_PARSERS,
  type ErrorCode,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ServerEventName,
  type ServerEvents,
} from '../../signaling/protocol/index.js';

/** A refusal from the room core (its code), or the connection failing (NETWORK, TIMEOUT). */
export class CoreError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK' | 'TIMEOUT',
    message: string,
    /** ROOM_ELSEWHERE: the owner node's address. */
    readonly location?: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

/** Where socket.io lives for a node address: `https://x.fr/n/a` → origin `https://x.fr`, path `/n/a/socket.io`. */
export function socketTarget(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname.replace(/\/+$/, '')}/socket.io` };
}

const REQUEST_TIMEOUT_MS = 8000;
const CONNECT_TIMEOUT_MS = 8000;

/**
 * One socket.io connection to one node of the room core, speaking the wire
 * protocol as the browser does: every ack parsed with AckSchema and the
 * request's RESULT_SCHEMAS entry, every event with EVENT_SCHEMAS (a payload
 * that fails is dropped, never half-used). No reconnection of its own: the
 * session decides where to go next.
 */
export class CoreConnection {
  readonly #socket: Socket;
  #closedByUs = false;

  private constructor(
    socket: Socket,
    readonly url: string,
  ) {
    this.#socket = socket;
  }

  static open(url: string): Promise<CoreConnection> {
    const { origin, path } = socketTarget(url);
    const socket = io(origin, {
      path,
      transports: ['websocket'],
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new CoreConnection(socket, url)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(new CoreError('NETWORK', `cannot reach the room core: ${error.message}`));
      });
    });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  async request<N extends RequestName>(
    name: N,
    payload: RequestPayload<N>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<RequestResults[N]> {
    let answer: unknown;
    try {
      answer = await this.#socket.timeout(timeoutMs).emitWithAck(name, payload);
    } catch {
      throw new CoreError(this.#socket.connected ? 'TIMEOUT' : 'NETWORK', `${name}: no answer`);
    }
    const ack = AckSchema.safeParse(answer);
    if (!ack.success) throw new CoreError('INTERNAL', `${name}: malformed answer`);
    if (!ack.data.ok) {
      const { code, message, location } = ack.data.error;
      throw new CoreError(code, `${name}: ${message}`, location);
    }
    const data = RESULT_PARSERS[name].safeParse(ack.data.data);
    if (!data.success) throw new CoreError('INTERNAL', `${name}: answer does not fit the protocol`);
    return data.data;
  }

  /** A server event, parsed; `malformed` hears what the protocol refuses. */
  on<E extends ServerEventName>(
    name: E,
    listener: (payload: ServerEvents[E]) => void,
    malformed: (name: E) => void,
  ): void {
    const event: string = name;
    this.#socket.on(event, (payload: unknown) => {
      const parsed = EVENT_PARSERS[name].safeParse(payload);
      if (parsed.success) listener(parsed.data);
      else malformed(name);
    });
  }

  /** The connection dropped without us closing it. */
  onDrop(listener: (reason: string) => void): void {
    this.#socket.on('disconnect', (reason) => {
      if (!this.#closedByUs) listener(reason);
    });
  }

  close(): void {
    this.#closedByUs = true;
    this.#socket.removeAllListeners();
    this.#socket.close();
  }
}
