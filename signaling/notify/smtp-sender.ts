import {
  createTransport,
  type SMTPPoolOptions,
  type SMTPPoolSentMessageInfo,
  type Transporter,
} from 'nodemailer';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { DeliveryError } from './delivery-error.js';
import type { MessageSender, OutgoingMessage, SendContext } from './message.js';
import { smtpDeliveryError } from './smtp-errors.js';

export interface SmtpSenderOptions {
  /** SMTP_URL: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465`. */
  url: string;
  /** The From header, e.g. `Guichet <no-reply@example.gouv.fr>`. */
  from: string;
  log: Logger;
  /** Time to open the TCP connection (default 10 s). */
  connectionTimeoutMs?: number;
  /** Time for the server's greeting once connected (default 10 s). */
  greetingTimeoutMs?: number;
  /** Silence allowed on an open connection (default 30 s). */
  socketTimeoutMs?: number;
  /** Bound on one whole send, for a server that trickles its replies (default 60 s). */
  sendTimeoutMs?: number;
  /** Pooled connections kept open (default 2). */
  maxConnections?: number;
}

/**
 * Email through an SMTP relay, over a small pool of kept-alive connections.
 * Nodemailer's own logger stays off: it would log the recipients.
 */
export class SmtpSender implements MessageSender {
  readonly channel = 'email';
  readonly #transport: Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;
  readonly #from: string;
  readonly #log: Logger;
  readonly #sendTimeoutMs: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  static create(options: SmtpSenderOptions): SmtpSender {
    return new SmtpSender(options);
  }

  private constructor(options: SmtpSenderOptions) {
    checkSmtpUrl(options.url);
    if (options.from.trim().length === 0) throw new Error('the email From address is empty');
    this.#from = options.from;
    this.#log = options.log.child({ component: 'smtp-sender' });
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    this.#transport = createTransport({
      pool: true,
      url: options.url,
      maxConnections: options.maxConnections ?? 2,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
  }

  /** Connects and authenticates once: for a fail-fast check at start. Throws a DeliveryError. */
  async verify(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (error) {
      throw smtpDeliveryError(error);
    }
  }

  async send(message: OutgoingMessage, context: SendContext): Promise<void> {
    const log = this.#log.child({ appointmentId: context.appointmentId, agentId: context.agentId });
    if (this.#closed) throw new DeliveryError(false, 'email sender is shutting down');
    if (message.channel !== 'email') throw new DeliveryError(true, `not an email (${message.channel})`);
    if (message.to.trim().length === 0) throw new DeliveryError(true, 'no email address');

    const sending = withDeadline(
      this.#transport.sendMail({
        from: this.#from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html !== null ? { html: message.html } : {}),
        attachments: message.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
        })),
        // RFC 3834: keeps vacation auto-replies from answering a notification.
        headers: { 'Auto-Submitted': 'auto-generated' },
        ...(context.jobId !== undefined ? { messageId: jobMessageId(context.jobId, this.#from) } : {}),
      }),
      this.#sendTimeoutMs,
    );
    this.#inFlight.add(sending);
    try {
      const info = await sending;
      log.info({ messageId: info.messageId }, 'email sent');
    } catch (error) {
      const failure = smtpDeliveryError(error);
      log.warn({ permanent: failure.permanent, reason: failure.reason }, 'email not sent');
      throw failure;
    } finally {
      this.#inFlight.delete(sending);
    }
  }

  /** Stops taking messages, waits for the ones being sent (each bounded by sendTimeoutMs), closes the pool. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    // Whatever is still on a connection now is a send we gave up on (deadline): don't wait for it.
    this.#transport.close({ force: true });
  }
}

/**
 * One Message-ID per notification job (RFC 5322 3.6.4): stable across
 * attempts, so a resend after a crash is the same message to the relay and
 * the mail client. Hashed: the job id holds the appointment id, which the
 * header must not expose.
 */
export function jobMessageId(jobId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'guichet.invalid';
  return `<job.${createHash('sha256').update(jobId).digest('hex').slice(0, 32)}@${domain}>`;
}

function checkSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the URL: it holds the password.
    throw new Error('SMTP_URL is not a valid URL (expected smtp://user:pass@host:587 or smtps://…)');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  }
  if (parsed.hostname.length === 0) throw new Error('SMTP_URL has no host');
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(false, 'SMTP server too slow: send timed out')), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
