import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { Logger } from 'pino';
import {
  headerEnd,
  headerValue,
  parseSipMessage,
  serializeSipMessage,
  SipParseError,
  type SipMessage,
} from './message.js';

export interface SipRemote {
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
}

export type SipInbound = (message: SipMessage, remote: SipRemote) => void;
export type SipMalformed = (raw: Buffer, remote: SipRemote, error: SipParseError) => void;

const MAX_TCP_BUFFER = 128 * 1024;
const MAX_TCP_CONNECTIONS = 256;

/**
 * SIP on UDP and TCP on one host:port (RFC 3261 §18). TCP messages are
 * framed by Content-Length; a connection that sends garbage or too much is
 * closed. Responses and in-dialog requests go back over the connection the
 * peer opened when it is still there.
 */
export class SipTransport {
  readonly #udp: UdpSocket;
  readonly #tcp: Server;
  readonly #connections = new Map<string, TcpSocket>();
  #closed = false;

  private constructor(
    udp: UdpSocket,
    tcp: Server,
    readonly log: Logger,
  ) {
    this.#udp = udp;
    this.#tcp = tcp;
  }

  static async listen(
    host: string,
    port: number,
    onMessage: SipInbound,
    onMalformed: SipMalformed,
    log: Logger,
  ): Promise<SipTransport> {
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const tcp = createServer();
    const transport = new SipTransport(udp, tcp, log);
    const deliver = (raw: Buffer, remote: SipRemote): void => {
      let message: SipMessage;
      try {
        message = parseSipMessage(raw);
      } catch (error) {
        if (error instanceof SipParseError) onMalformed(raw, remote, error);
        else log.error({ err: error }, 'SIP parser failure');
        return;
      }
      try {
        onMessage(message, remote);
      } catch (error) {
        log.error({ err: error }, 'SIP handler failure');
      }
    };
    udp.on('message', (raw, info) => {
      // Keep-alive CRLFs (RFC 5626) and stray bytes are not messages.
      if (raw.length < 16) return;
      deliver(raw, { transport: 'udp', address: info.address, port: info.port });
    });
    udp.on('error', (error) => log.error({ err: error }, 'SIP UDP socket error'));
    tcp.on('connection', (socket) => transport.#accept(socket, deliver));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const udpPort = udp.address().port;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(udpPort, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    return transport;
  }

  get port(): number {
    return this.#udp.address().port;
  }

  #accept(socket: TcpSocket, deliver: (raw: Buffer, remote: SipRemote) => void): void {
    if (this.#connections.size >= MAX_TCP_CONNECTIONS) {
      socket.destroy();
      return;
    }
    const remote: SipRemote = {
      transport: 'tcp',
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
    };
    const key = `${remote.address}:${remote.port}`;
    this.#connections.set(key, socket);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length > MAX_TCP_BUFFER) {
        this.log.warn({ remote: key }, 'SIP TCP connection sent too much without a message; closed');
        socket.destroy();
        return;
      }
      for (;;) {
        buffer = skipLeadingCrlf(buffer);
        const end = headerEnd(buffer);
        if (!end) return;
        const head = buffer.subarray(0, end.headerLength).toString('utf8');
        const length = contentLength(head);
        if (length === undefined) {
          // TCP needs Content-Length to find where the next message starts (§18.3).
          this.log.debug({ remote: key }, 'SIP over TCP without Content-Length; connection closed');
          socket.destroy();
          return;
        }
        if (buffer.length < end.bodyStart + length) return;
        const raw = buffer.subarray(0, end.bodyStart + length);
        buffer = buffer.subarray(end.bodyStart + length);
        deliver(raw, remote);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#connections.delete(key));
  }

  send(remote: SipRemote, message: SipMessage): void {
    if (this.#closed) return;
    const raw = serializeSipMessage(message);
    if (remote.transport === 'udp') {
      this.#udp.send(raw, remote.port, remote.address, (error) => {
        if (error) this.log.debug({ err: error }, 'SIP UDP send failed');
      });
      return;
    }
    const socket = this.#connections.get(`${remote.address}:${remote.port}`);
    if (socket && !socket.destroyed) socket.write(raw);
    else this.log.debug('SIP TCP connection gone; message not sent');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#connections.values()) socket.destroy();
    await new Promise<void>((resolve) => this.#tcp.close(() => resolve()));
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
  }
}

function skipLeadingCrlf(buffer: Buffer): Buffer {
  let i = 0;
  while (i < buffer.length && (buffer[i] === 0x0d || buffer[i] === 0x0a)) i++;
  return i ? buffer.subarray(i) : buffer;
}

function contentLength(head: string): number | undefined {
  const headers = head
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    })
    .map((h) => (h.name.toLowerCase() === 'l' ? { name: 'Content-Length', value: h.value } : h));
  const value = headerValue(headers, 'Content-Length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
