import { DeliveryError } from './delivery-error.js';

/*
 * nodemailer errors → DeliveryError. Nodemailer puts the server's reply in
 * `responseCode`/`response` and its own step in `code`; the message often
 * quotes the recipient, so the reason is built from those fields (scrubbed)
 * and never from the message.
 */

/** Failures of our own set-up, not of this message: retrying after a fix works. */
const SETUP_CODES: Record<string, string> = {
  EAUTH: 'SMTP authentication failed; check SMTP_URL credentials',
  ENOAUTH: 'SMTP server requires credentials; set them in SMTP_URL',
  ETLS: 'TLS with the SMTP server failed',
  EREQUIRETLS: 'SMTP server does not support REQUIRETLS',
  ECONFIG: 'invalid SMTP configuration',
};

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'SMTP server refused the connection',
  ECONNRESET: 'SMTP connection reset',
  ETIMEDOUT: 'SMTP server did not answer in time',
  ECONNECTION: 'SMTP connection closed unexpectedly',
  ESOCKET: 'SMTP connection failed',
  EDNS: 'SMTP server name did not resolve',
  ENOTFOUND: 'SMTP server name did not resolve',
  EAI_AGAIN: 'SMTP server name did not resolve',
  EHOSTUNREACH: 'SMTP server unreachable',
  ENETUNREACH: 'SMTP server unreachable',
  EPROXY: 'SMTP proxy connection failed',
};

export function smtpDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const code = stringField(error, 'code');
  const originalCode = stringField(error, 'originalCode');
  const responseCode = numberField(error, 'responseCode');

  const setup = code !== undefined ? SETUP_CODES[code] : undefined;
  if (setup !== undefined) return new DeliveryError(false, withReply(setup, error, responseCode));

  if (responseCode !== undefined) {
    // RFC 5321: 5yz is final, 4yz transient; 503 only says the session was in a bad state.
    const permanent = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    const verb = permanent ? 'refused' : 'deferred';
    const what = `SMTP server ${verb} the ${code === 'EENVELOPE' ? 'recipient' : 'message'}`;
    return new DeliveryError(permanent, withReply(what, error, responseCode));
  }

  if (code === 'EENVELOPE') return new DeliveryError(true, 'invalid recipient address');
  if (code === 'EMAXRECIPIENTS') return new DeliveryError(true, 'too many recipients');
  const connection =
    (originalCode !== undefined ? CONNECTION_CODES[originalCode] : undefined) ??
    (code !== undefined ? CONNECTION_CODES[code] : undefined);
  if (connection !== undefined) return new DeliveryError(false, connection);
  return new DeliveryError(
    false,
    code !== undefined ? `SMTP delivery failed (${code})` : 'SMTP delivery failed',
  );
}

/** "SMTP server refused the recipient (550 5.1.1 User unknown)": the reply helps the agent, scrubbed. */
function withReply(what: string, error: unknown, responseCode: number | undefined): string {
  const response = stringField(error, 'response');
  if (response !== undefined) return `${what} (${response})`;
  return responseCode !== undefined ? `${what} (${responseCode})` : what;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

function numberField(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}
