import { io } from 'socket.io-client';
import {
  AckSchema,
  ConnectErrorDataSchema,
  EVENT_PARSERS,
  PROTOCOL_VERSION,
  RESULT_PARSERS,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type RoomId,
  type ServerEventName,
  type ServerEvents,
} from '../../signaling/protocol/index.js';
import { GuichetError } from './errors.js';
import { browserRoute, followRedirects, socketTarget, type NodeRoute } from './node-route.js';

/*
 * The signaling client: one socket, typed requests, parsed events. No DOM,
 * no media: call.ts drives it, and a test can drive it with a fake socket.
 */

/**
 * The part of a socket.io client socket this class uses. Everything from the
 * server arrives as `unknown` until a schema of signaling/protocol says otherwise; tests
 * pass a fake that implements just this.
 */
export interface SignalingSocket {
  on(event: string, listener: (payload: unknown) => void): unknown;
  off(event: string, listener: (payload: unknown) => void): unknown;
  emit(event: string, payload: unknown, ack: (answer: unknown) => void): unknown;
  removeAllListeners(): unknown;
  disconnect(): unknown;
  /** socket.io's manager; only the reconnection test hook reaches into it. */
  readonly io?: { engine?: { close(): unknown } };
}

export const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectOptions {
  /** Same origin when omitted, which is how the server serves the page. */
  url?: string;
  timeoutMs?: number;
  /** Tests inject a fake; production uses socket.io-client. */
  createSocket?: (url: string | undefined, timeoutMs: number, room: RoomId | undefined) => SignalingSocket;
  /** The other nodes to try if `url` is unreachable; in a browser (no createSocket), the page's route. */
  route?: NodeRoute;
  /**
   * The room this connection will join, sent in the socket's query: the
   * proxy in front of a cluster hashes it to pick the node, so every join of
   * a room reaches the node that owns it (deploy/Caddyfile.cluster). The
   * server itself ignores it; the join's roomId decides.
   */
  room?: RoomId;
}

type OpenSocket = (url: string | undefined) => Promise<SignalingSocket>;

function defaultSocket(
  url: string | undefined,
  timeoutMs: number,
  room: RoomId | undefined,
): SignalingSocket {
  // A node's address may carry a path (/n/<node> behind the TLS proxy): socket.io lives under it.
  const target = url === undefined ? undefined : socketTarget(url);
  const options = {
    path: target?.path ?? '/socket.io',
    auth: { protocolVersion: PROTOCOL_VERSION },
    ...(room === undefined ? {} : { query: { room } }),
    // A new socket is a new, unjoined peer for the server: reconnecting the
    // socket silently would leave a call that looks alive but isn't. The app
    // rejoins explicitly instead (see ui/app.ts).
    reconnection: false,
    timeout: timeoutMs,
    // WebSocket straight away saves the long-polling handshake and upgrade;
    // long-polling stays as the fallback for networks that block WebSocket.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  };
  return target === undefined ? io(options) : io(target.origin, options);
}

export type DisconnectHandler = (reason: string) => void;

export class ProtocolClient {
  private closed = false;
  private readonly pending = new Set<(error: Error) => void>();
  private readonly disconnectHandlers = new Set<DisconnectHandler>();
  /** Every event subscription, so that a move to another node carries them over. */
  private readonly subscriptions = new Set<{ event: string; listener: (payload: unknown) => void }>();

  private constructor(
    private socket: SignalingSocket,
    private readonly open: OpenSocket,
  ) {
    this.listen(socket);
  }

  /** Resolves once the handshake is accepted; rejects with the server's refusal code. */
  static async connect(options: ConnectOptions = {}): Promise<ProtocolClient> {
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
    const create = options.createSocket ?? defaultSocket;
    const open: OpenSocket = (url) => openSocket(create(url, timeoutMs, options.room), timeoutMs);
    const route = options.route ?? (options.createSocket ? undefined : browserRoute());
    const socket = route ? await route.connect(options.url, open) : await open(options.url);
    return new ProtocolClient(socket, open);
  }

  private listen(socket: SignalingSocket): void {
    socket.on('disconnect', (reason: unknown) => {
      if (this.closed) return;
      this.closed = true;
      this.failPending(new GuichetError('NETWORK', `socket disconnected: ${String(reason)}`));
      for (const handler of [...this.disconnectHandlers]) handler(String(reason));
    });
    for (const { event, listener } of this.subscriptions) socket.on(event, listener);
  }

  /**
   * ROOM_ELSEWHERE: this connection moves to the room's node. The old socket
   * is dropped quietly (it was never in the room); subscriptions follow.
   */
  private async moveTo(url: string): Promise<void> {
    const next = await this.open(url);
    if (this.closed) {
      next.disconnect();
      throw new GuichetError('NETWORK', 'client closed');
    }
    const previous = this.socket;
    previous.removeAllListeners();
    previous.disconnect();
    this.socket = next;
    this.listen(next);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one request and resolves with its parsed result, or rejects with its error code. A join follows the room to its node. */
  request<N extends RequestName>(
    name: N,
    payload: RequestPayload<N>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<RequestResults[N]> {
    if (name !== 'join') return this.send(name, payload, timeoutMs);
    return followRedirects(
      () => this.send(name, payload, timeoutMs),
      (url) => this.moveTo(url),
    );
  }

  private send<N extends RequestName>(
    name: N,
    payload: RequestPayload<N>,
    timeoutMs: number,
  ): Promise<RequestResults[N]> {
    return new Promise<RequestResults[N]>((resolve, reject) => {
      if (this.closed) {
        reject(new GuichetError('NETWORK', `cannot send ${name}: socket closed`));
        return;
      }
      const fail = (error: Error): void => {
        clearTimeout(timer);
        this.pending.delete(fail);
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new GuichetError('TIMEOUT', `${name}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.pending.add(fail);
      this.socket.emit(name, payload, (answer: unknown) => {
        if (!this.pending.has(fail)) return; // already timed out or closed
        clearTimeout(timer);
        this.pending.delete(fail);
        try {
          resolve(parseAnswer(name, answer));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Subscribes to a server event; payloads that do not parse are dropped. */
  on<E extends ServerEventName>(event: E, handler: (payload: ServerEvents[E]) => void): () => void {
    const listener = (raw: unknown): void => {
      const parsed = EVENT_PARSERS[event].safeParse(raw);
      if (parsed.success) handler(parsed.data);
      else console.warn(`guichet: dropped malformed ${event} event`, parsed.error.issues);
    };
    const subscription = { event, listener };
    this.subscriptions.add(subscription);
    this.socket.on(event, listener);
    return () => {
      this.subscriptions.delete(subscription);
      this.socket.off(event, listener);
    };
  }

  /** Called once if the socket drops without close() having been called. */
  onDisconnect(handler: DisconnectHandler): () => void {
    this.disconnectHandlers.add(handler);
    return () => {
      this.disconnectHandlers.delete(handler);
    };
  }

  /**
   * Test hook: closes the connection underneath socket.io, as a network loss
   * would. The socket then reports 'disconnect' like any dropped connection.
   */
  dropTransport(): void {
    this.socket.io?.engine?.close();
  }

  /** Idempotent. Pending requests reject with NETWORK; disconnect handlers are not called. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.disconnectHandlers.clear();
    this.failPending(new GuichetError('NETWORK', 'client closed'));
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private failPending(error: Error): void {
    for (const fail of [...this.pending]) fail(error);
  }
}

/** Resolves with the socket once the handshake is accepted; rejects with the server's refusal code. */
function openSocket(socket: SignalingSocket, timeoutMs: number): Promise<SignalingSocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      socket.disconnect();
      reject(new GuichetError('TIMEOUT', 'socket connection timed out'));
    }, timeoutMs);
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (error: unknown): void => {
      cleanup();
      socket.disconnect();
      reject(connectErrorToGuichetError(error));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
}

function parseAnswer<N extends RequestName>(name: N, answer: unknown): RequestResults[N] {
  const envelope = AckSchema.safeParse(answer);
  if (!envelope.success) {
    throw new GuichetError('BAD_RESPONSE', `${name}: answer is not an ack envelope`);
  }
  if (!envelope.data.ok) {
    const { code, message, location } = envelope.data.error;
    throw new GuichetError(code, `${name}: ${message}`, { location });
  }
  const result = RESULT_PARSERS[name].safeParse(envelope.data.data);
  if (!result.success) {
    throw new GuichetError('BAD_RESPONSE', `${name}: malformed result`, { cause: result.error });
  }
  return result.data;
}

function connectErrorToGuichetError(error: unknown): GuichetError {
  // socket.io puts the server's refusal in `err.data`; anything else is the network.
  const data: unknown =
    typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
  const refusal = ConnectErrorDataSchema.safeParse(data);
  if (refusal.success) {
    return new GuichetError(refusal.data.code, 'server refused the connection', { cause: error });
  }
  return new GuichetError('NETWORK', 'cannot reach the server', { cause: error });
}
