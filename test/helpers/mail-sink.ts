import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  parsed: ParsedMail;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; recipients in `refuse` get a 550. */
export class MailSink {
  readonly mails: ReceivedMail[] = [];
  readonly refuse = new Set<string>();
  readonly #server: SMTPServer;
  port = 0;

  private constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.refuse.has(address.address)) {
          callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
  }

  static async start(): Promise<MailSink> {
    const sink = new MailSink();
    sink.#server.listen(0, '127.0.0.1');
    await once(sink.#server.server, 'listening');
    sink.port = (sink.#server.server.address() as AddressInfo).port;
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A local SMS gateway: keeps each JSON POST; answers `status` (200 unless changed). */
export class SmsSink {
  readonly messages: { to: string; text: string; authorization: string | undefined }[] = [];
  status = 200;
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const parsed: unknown = JSON.parse(body);
        if (this.status === 200 && typeof parsed === 'object' && parsed !== null) {
          this.messages.push({
            to: String(Reflect.get(parsed, 'to')),
            text: String(Reflect.get(parsed, 'text')),
            authorization: request.headers.authorization,
          });
        }
        response.statusCode = this.status;
        response.end('{}');
      });
    });
  }

  static async start(): Promise<SmsSink> {
    const sink = new SmsSink();
    sink.#server.listen(0, '127.0.0.1');
    await once(sink.#server, 'listening');
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/sms`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
