import type { Locale } from '../../store/store.js';

/** A start time, spelled out in the appointment's time zone and language. */
export interface FormattedStart {
  /** « jeudi 3 décembre 2026 », "Thursday, December 3, 2026" */
  date: string;
  /** « jeudi 3 décembre », "Thursday, December 3": for subjects and SMS */
  dateShort: string;
  /** « 14 h 30 », "2:30 PM" */
  time: string;
  /** « jeudi 3 décembre 2026 à 14 h 30 », "Thursday, December 3, 2026 at 2:30 PM" */
  dateTime: string;
  /** « jeudi 3 décembre à 14 h 30 », "Thursday, December 3 at 2:30 PM" */
  dateTimeShort: string;
}

const INTL_LOCALE: Record<Locale, string> = { fr: 'fr-FR', en: 'en-US' };

/** Whether Intl knows this IANA time zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function formatStart(startsAt: Date, timeZone: string, locale: Locale): FormattedStart {
  const date = formatDate(startsAt, timeZone, locale, true);
  const dateShort = formatDate(startsAt, timeZone, locale, false);
  const time = formatTime(startsAt, timeZone, locale);
  const at = locale === 'fr' ? 'à' : 'at';
  return {
    date,
    dateShort,
    time,
    dateTime: `${date} ${at} ${time}`,
    dateTimeShort: `${dateShort} ${at} ${time}`,
  };
}

/**
 * French style « 14 h 30 », « 9 h 05 », « 14 h » (the typographic convention
 * of French administrations); English "2:30 PM".
 */
export function formatTime(at: Date, timeZone: string, locale: Locale): string {
  if (locale === 'en') {
    const text = new Intl.DateTimeFormat(INTL_LOCALE.en, {
      timeZone,
      hour: 'numeric',
      minute: '2-digit',
    }).format(at);
    return plainSpaces(text);
  }
  const parts = new Intl.DateTimeFormat(INTL_LOCALE.fr, {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return minute === '00' ? `${hour} h` : `${hour} h ${minute}`;
}

function formatDate(at: Date, timeZone: string, locale: Locale, withYear: boolean): string {
  const format = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
  });
  if (locale === 'en') return plainSpaces(format.format(at));
  // French writes the first day of a month as an ordinal: « 1er décembre ».
  const text = format
    .formatToParts(at)
    .map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value))
    .join('');
  return plainSpaces(text);
}

/** "30 minutes", "1 minute": the same words in French and English. */
export function formatMinutes(minutes: number): string {
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** Intl puts narrow and non-breaking spaces in; SMS alphabets and plain-text tests want plain ones. */
function plainSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}
