import { DeliveryError } from './delivery-error.js';
import type { Sms, SmsProvider } from './sms-sender.js';

export interface HttpGatewayOptions {
  /** SMS_GATEWAY_URL: receives `POST {"to": "...", "text": "..."}` as JSON. */
  url: string;
  /** SMS_GATEWAY_TOKEN, sent as `Authorization: Bearer <token>`; null for none. */
  token: string | null;
}

/**
 * The generic adapter: one JSON POST per SMS. 2xx is taken; 4xx is final
 * (the gateway will refuse the same request again), except 408 and 429;
 * 5xx, timeouts and network errors are worth a retry. The answer's body is
 * never read into a reason: gateways echo the number there.
 */
export class HttpGatewaySmsProvider implements SmsProvider {
  readonly name = 'http-gateway';
  readonly #url: string;
  readonly #token: string | null;

  constructor(options: HttpGatewayOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new Error('SMS_GATEWAY_URL is not a valid URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error('SMS_GATEWAY_URL must start with https:// or http://');
    }
    this.#url = options.url;
    this.#token = options.token;
  }

  async deliver(sms: Sms, signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: sms.to, text: sms.text }),
        signal,
        // A redirect would carry the token and the number elsewhere: refuse it.
        redirect: 'manual',
      });
    } catch (error) {
      throw networkFailure(error, signal);
    }
    // The body is not needed; release the connection.
    await response.body?.cancel().catch(() => undefined);
    const failure = statusFailure(response.status);
    if (failure !== null) throw failure;
  }
}

function statusFailure(status: number): DeliveryError | null {
  if (status >= 200 && status < 300) return null;
  if (status === 401 || status === 403) {
    return new DeliveryError(
      true,
      `SMS gateway refused the credentials (HTTP ${status}); check SMS_GATEWAY_TOKEN`,
    );
  }
  if (status === 408 || status === 429) return new DeliveryError(false, `SMS gateway busy (HTTP ${status})`);
  if (status >= 400 && status < 500)
    return new DeliveryError(true, `SMS gateway refused the message (HTTP ${status})`);
  if (status >= 500) return new DeliveryError(false, `SMS gateway error (HTTP ${status})`);
  return new DeliveryError(false, `SMS gateway answered HTTP ${status}; check SMS_GATEWAY_URL`);
}

function networkFailure(error: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted) return new DeliveryError(false, 'SMS gateway did not answer in time');
  const code = causeCode(error);
  return new DeliveryError(
    false,
    code !== null ? `SMS gateway unreachable (${code})` : 'SMS gateway unreachable',
  );
}

/** undici reports `TypeError: fetch failed` with the socket error as `cause`. */
function causeCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const cause: unknown = error.cause;
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return null;
  return typeof cause.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? cause.code : null;
}
