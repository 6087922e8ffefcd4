import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Channel, OutboxMessage } from '../store/store.js';
import { DeliveryError, scrubReason } from './delivery-error.js';
import type { MessageSender, OutgoingMessage, SendContext } from './message.js';

export interface OutboxSenderOptions {
  channel: Channel;
  /** Stores one message, e.g. `store.addOutbox`. */
  save: (message: OutboxMessage) => Promise<void>;
  log: Logger;
  now?: () => number;
  newId?: () => string;
}

/**
 * The embedded default when no SMTP server or SMS gateway is configured:
 * messages are kept for the agent to read (and pass on) through the API, so
 * nothing is silently lost on a fresh install.
 */
export class OutboxSender implements MessageSender {
  readonly channel: Channel;
  readonly #save: (message: OutboxMessage) => Promise<void>;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #newId: () => string;
  #closed = false;

  static create(options: OutboxSenderOptions): OutboxSender {
    return new OutboxSender(options);
  }

  private constructor(options: OutboxSenderOptions) {
    this.channel = options.channel;
    this.#save = options.save;
    this.#log = options.log.child({ component: 'outbox-sender', channel: options.channel });
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
  }

  async send(message: OutgoingMessage, context: SendContext): Promise<void> {
    const log = this.#log.child({ appointmentId: context.appointmentId, agentId: context.agentId });
    if (this.#closed) throw new DeliveryError(false, 'outbox is shutting down');
    if (message.channel !== this.channel) {
      throw new DeliveryError(true, `wrong channel (${message.channel}, expected ${this.channel})`);
    }
    const entry: OutboxMessage = {
      id: this.#newId(),
      appointmentId: context.appointmentId,
      agentId: context.agentId,
      channel: message.channel,
      to: message.to,
      subject: message.subject,
      text: message.text,
      createdAt: this.#now(),
    };
    try {
      await this.#save(entry);
    } catch (error) {
      const detail = scrubReason(error instanceof Error ? error.message : String(error));
      log.warn({ detail }, 'outbox store failed');
      throw new DeliveryError(false, 'could not store the message in the outbox');
    }
    log.info({ outboxId: entry.id }, 'message kept in the outbox');
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
