import type { Logger } from 'pino';
import { DeliveryError } from './delivery-error.js';
import type { MessageSender, OutgoingMessage, SendContext } from './message.js';

/** One SMS as a provider receives it. */
export interface Sms {
  /** The phone number as stored (E.164 or national): personal data, never logged. */
  to: string;
  text: string;
}

/**
 * One SMS provider's API. Adapters (the generic HTTP gateway first; others
 * such as an operator's own API later) only translate an Sms into a request
 * and its answer into success or a DeliveryError; timeouts, checks and logs
 * live in SmsSender, once.
 */
export interface SmsProvider {
  /** Short name for logs, e.g. `http-gateway`. */
  readonly name: string;
  /** Resolves once the provider took the SMS; throws a DeliveryError otherwise. Stops when `signal` aborts. */
  deliver(sms: Sms, signal: AbortSignal): Promise<void>;
}

export interface SmsSenderOptions {
  provider: SmsProvider;
  log: Logger;
  /** Bound on one request to the provider (default 10 s). */
  timeoutMs?: number;
}

// Digits with optional separators, an optional leading +: enough to refuse an
// email address or a name typed in the wrong field, without judging numbering plans.
const PHONE = /^\+?\d[\d .()-]{4,22}\d$/;

export class SmsSender implements MessageSender {
  readonly channel = 'sms';
  readonly #provider: SmsProvider;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  static create(options: SmsSenderOptions): SmsSender {
    return new SmsSender(options);
  }

  private constructor(options: SmsSenderOptions) {
    this.#provider = options.provider;
    this.#log = options.log.child({ component: 'sms-sender', provider: options.provider.name });
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(message: OutgoingMessage, context: SendContext): Promise<void> {
    const log = this.#log.child({ appointmentId: context.appointmentId, agentId: context.agentId });
    if (this.#closed) throw new DeliveryError(false, 'SMS sender is shutting down');
    if (message.channel !== 'sms') throw new DeliveryError(true, `not an SMS (${message.channel})`);
    const to = message.to.trim();
    if (!PHONE.test(to)) throw new DeliveryError(true, 'invalid phone number');

    const signal = AbortSignal.timeout(this.#timeoutMs);
    const delivering = this.#provider.deliver({ to, text: message.text }, signal);
    this.#inFlight.add(delivering);
    try {
      await delivering;
      log.info({ length: message.text.length }, 'sms sent');
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(
              false,
              signal.aborted ? 'SMS provider did not answer in time' : 'SMS provider failed',
            );
      log.warn({ permanent: failure.permanent, reason: failure.reason }, 'sms not sent');
      throw failure;
    } finally {
      this.#inFlight.delete(delivering);
    }
  }

  /** Stops taking messages and waits for the ones being sent (each is bounded by the timeout). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }
}
