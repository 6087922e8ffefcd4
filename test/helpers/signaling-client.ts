import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ServerEventName,
  type ServerEvents,
} from '../../signaling/protocol/index.js';

/** A socket.io client speaking the real protocol, for integration tests. */
export class SignalingClient {
  readonly socket: Socket;
  readonly events: { name: ServerEventName; payload: unknown }[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.onAny((name: string, payload: unknown) => {
      this.events.push({ name: name as ServerEventName, payload });
    });
  }

  static async connect(
    baseUrl: string,
    protocolVersion: number = PROTOCOL_VERSION,
  ): Promise<SignalingClient> {
    const socket = io(baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { protocolVersion },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
    });
    return new SignalingClient(socket);
  }

  /** Send anything (also malformed payloads) and return the raw ack. */
  raw(name: string, payload: unknown): Promise<Ack<unknown>> {
    return this.socket.timeout(5000).emitWithAck(name, payload);
  }

  async request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<RequestResults[N]> {
    const ack = (await this.raw(name, payload)) as Ack<RequestResults[N]>;
    if (!ack.ok)
      throw Object.assign(new Error(`${name}: ${ack.error.code} ${ack.error.message}`), {
        code: ack.error.code,
      });
    return ack.data;
  }

  received<E extends ServerEventName>(name: E): ServerEvents[E][] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as ServerEvents[E]);
  }

  close(): void {
    this.socket.close();
  }
}
