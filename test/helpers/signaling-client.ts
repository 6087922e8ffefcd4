import { io, type Socket } from 'socket.io-client';
import {
  AckSchema,
  EVENT_PARSERS,
  PROTOCOL_VERSION,
  RESULT_PARSERS,
  type Ack,
  type ErrorCode,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ServerEventName,
  type ServerEvents,
} from '../../signaling/protocol/index.js';

const isEventName = (name: string): name is ServerEventName => Object.hasOwn(EVENT_PARSERS, name);

/**
 * A socket.io client speaking the real protocol, for integration tests. It
 * parses what the server sends with the protocol's own schemas, as the
 * browser does: a malformed answer or event fails the test here.
 */
export class SignalingClient {
  readonly socket: Socket;
  readonly events: { name: string; payload: unknown }[] = [];
  /** Events the server sent that the protocol's schemas refuse (or does not name): a test expects none. */
  readonly malformed: { name: string; payload: unknown }[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.onAny((name: string, payload: unknown) => {
      this.events.push({ name, payload });
      if (!isEventName(name) || !EVENT_PARSERS[name].safeParse(payload).success) {
        this.malformed.push({ name, payload });
      }
    });
  }

  /** `proxy`: the headers and query a proxy in front would pass on (deploy/Caddyfile.cluster). */
  static async connect(
    baseUrl: string,
    protocolVersion: number = PROTOCOL_VERSION,
    proxy: { headers?: Record<string, string>; query?: Record<string, string> } = {},
  ): Promise<SignalingClient> {
    const socket = io(baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { protocolVersion },
      ...(proxy.headers ? { extraHeaders: proxy.headers } : {}),
      ...(proxy.query ? { query: proxy.query } : {}),
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
    });
    return new SignalingClient(socket);
  }

  /** Send anything (also malformed payloads) and return the ack, checked to be an envelope. */
  async raw(name: string, payload: unknown): Promise<Ack<unknown>> {
    const answer: unknown = await this.socket.timeout(5000).emitWithAck(name, payload);
    return AckSchema.parse(answer);
  }

  async request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<RequestResults[N]> {
    const ack = await this.raw(name, payload);
    if (!ack.ok)
      throw Object.assign(new Error(`${name}: ${ack.error.code} ${ack.error.message}`), {
        code: ack.error.code,
      });
    return RESULT_PARSERS[name].parse(ack.data);
  }

  /** The error code of a request expected to fail (throws if it succeeds). */
  async refusal(name: RequestName, payload: unknown): Promise<ErrorCode> {
    const ack = await this.raw(name, payload);
    if (ack.ok) throw new Error(`${name} succeeded; expected a refusal`);
    return ack.error.code;
  }

  received<E extends ServerEventName>(name: E): ServerEvents[E][] {
    return this.events.filter((e) => e.name === name).map((e) => EVENT_PARSERS[name].parse(e.payload));
  }

  close(): void {
    this.socket.close();
  }
}
