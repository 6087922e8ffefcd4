import type { Channel } from '../store/store.js';

/** A file sent with an email (the calendar invitation). */
export interface MessageAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** One message, rendered and addressed, ready for a sender. */
export interface OutgoingMessage {
  channel: Channel;
  /** An email address or a phone number: personal data, never logged. */
  to: string;
  /** Email only; null for SMS. */
  subject: string | null;
  text: string;
  /** Email only; null for SMS. */
  html: string | null;
  attachments: MessageAttachment[];
}

/**
 * What the message is about. Senders log these ids (never the recipient);
 * the outbox stores them so the agent finds the message later.
 */
export interface SendContext {
  appointmentId: string;
  agentId: string;
  /**
   * The notification job, when the scheduler sends: the email's Message-ID is
   * derived from it, so a resend of the same job (after a node died between
   * the relay's answer and the job's record) carries the same Message-ID and
   * can be recognised as the same message.
   */
  jobId?: string;
}

/**
 * One way out for messages of one channel. `send` resolves once the message
 * is handed over (to the SMTP server, the SMS gateway or the outbox) and
 * throws a DeliveryError otherwise. `close` is idempotent.
 */
export interface MessageSender {
  readonly channel: Channel;
  send(message: OutgoingMessage, context: SendContext): Promise<void>;
  close(): Promise<void>;
}
