/*
 * How a phone caller is named in a room. The gateway sends « Téléphone •• •• 42 »
 * (the number masked on its side), but the room core does not take its word
 * for it: whatever name a service join carries, only its last two digits are
 * kept, so a full number can never reach the room, the store, the logs or
 * the audit trail, even from a misconfigured or older gateway.
 */

const HIDDEN = 'masqué';

/** « •• •• 42 » from any text holding digits; « masqué » when it holds fewer than two. */
export function maskedCaller(raw: string): string {
  const digits = raw.replace(/[^0-9]/g, '');
  return digits.length < 2 ? HIDDEN : `•• •• ${digits.slice(-2)}`;
}

/** The display name of a phone member: « Téléphone •• •• 42 » or « Téléphone masqué ». */
export function phoneDisplayName(raw: string): string {
  return `Téléphone ${maskedCaller(raw)}`;
}
