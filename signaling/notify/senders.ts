import type { Logger } from 'pino';
import type { Channel, OutboxMessage } from '../store/store.js';
import type { MessageSender } from './message.js';
import { OutboxSender } from './outbox-sender.js';
import { HttpGatewaySmsProvider } from './sms-http-gateway.js';
import { SmsSender } from './sms-sender.js';
import { SmtpSender } from './smtp-sender.js';

export interface SenderSettings {
  /** SMTP_URL and the From address; null keeps emails in the outbox. */
  smtp: { url: string; from: string } | null;
  /** SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN; null keeps SMS in the outbox. */
  sms: { url: string; token: string | null } | null;
  /** Where the outbox keeps messages, e.g. `(m) => store.addOutbox(m)`. */
  saveToOutbox: (message: OutboxMessage) => Promise<void>;
  log: Logger;
}

export interface Senders {
  byChannel: Record<Channel, MessageSender>;
  /** Which channels really leave the server (the others go to the outbox). */
  external: Record<Channel, boolean>;
  close(): Promise<void>;
}

/** One sender per channel: the configured relay, or the outbox when there is none. */
export function createSenders(settings: SenderSettings): Senders {
  const { log, saveToOutbox } = settings;
  const email: MessageSender = settings.smtp
    ? SmtpSender.create({ url: settings.smtp.url, from: settings.smtp.from, log })
    : OutboxSender.create({ channel: 'email', save: saveToOutbox, log });
  const sms: MessageSender = settings.sms
    ? SmsSender.create({ provider: new HttpGatewaySmsProvider(settings.sms), log })
    : OutboxSender.create({ channel: 'sms', save: saveToOutbox, log });
  log.info(
    { email: settings.smtp ? 'smtp' : 'outbox', sms: settings.sms ? 'http-gateway' : 'outbox' },
    'notification senders ready',
  );
  return {
    byChannel: { email, sms },
    external: { email: settings.smtp !== null, sms: settings.sms !== null },
    close: async () => {
      await Promise.all([email.close(), sms.close()]);
    },
  };
}
