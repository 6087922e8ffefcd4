/**
 * Why a message did not go out. `permanent` tells the scheduler whether a
 * retry can help (a refused recipient: no; a server that is down: yes).
 * `reason` is stored with the job and shown to the agent, so it is short and
 * holds no email address or phone number (scrubReason enforces it).
 *
 * The original error is deliberately not kept as `cause`: its message often
 * quotes the recipient, and whoever logs this error would log that too.
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly reason: string;

  constructor(permanent: boolean, reason: string) {
    const clean = scrubReason(reason);
    super(clean);
    this.name = 'DeliveryError';
    this.permanent = permanent;
    this.reason = clean;
  }
}

const MAX_REASON_LENGTH = 200;
const EMAIL = /<?[^\s<>@]+@[^\s<>@]+>?/g;
// Seven digits or more, possibly split by spaces, dots or dashes: a phone number.
const PHONE = /\+?\d(?:[\s.-]?\d){6,}/g;

/** Removes addresses and numbers, collapses whitespace and bounds the length. */
export function scrubReason(reason: string): string {
  const clean = reason.replace(EMAIL, '[address]').replace(PHONE, '[number]').replace(/\s+/g, ' ').trim();
  if (clean.length === 0) return 'unknown delivery error';
  return clean.length > MAX_REASON_LENGTH ? `${clean.slice(0, MAX_REASON_LENGTH - 1)}…` : clean;
}
