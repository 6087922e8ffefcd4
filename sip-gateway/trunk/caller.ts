import { createHmac } from 'node:crypto';

/**
 * The caller's number as it may appear anywhere outside the call: the last
 * two digits only, as « •• •• 42 ». A hidden or odd number is « masqué ».
 */
export function maskNumber(raw: string | undefined): string {
  const digits = (raw ?? '').replace(/[^0-9]/g, '');
  if (digits.length < 4) return 'masqué';
  return `•• •• ${digits.slice(-2)}`;
}

/** A stable key for per-caller limits that is not the number itself. */
export function callerKey(raw: string | undefined, secret: Buffer): string {
  const digits = (raw ?? '').replace(/[^0-9+]/g, '');
  return createHmac('sha256', secret)
    .update(digits || 'anonymous')
    .digest('base64url')
    .slice(0, 16);
}
