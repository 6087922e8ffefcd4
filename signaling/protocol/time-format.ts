/*
 * One way to write a time of day, for the browser (the context line) and the
 * server (the waiting page): « 14 h 30 » in French, with no-break spaces so
 * it never splits across lines; "2:30 PM" in English. Intl only: this leaf
 * runs in both.
 */

export type TimeLang = 'fr' | 'en';

/** `instant`: epoch milliseconds, an ISO 8601 string or a Date; shown in `timeZone`. */
export function formatTime(instant: number | string | Date, timeZone: string, lang: TimeLang): string {
  const at = new Date(instant);
  if (lang === 'en') {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: '2-digit', hour12: true })
      .format(at)
      .toUpperCase();
  }
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${hour}\u00a0h\u00a0${minute}`;
}
