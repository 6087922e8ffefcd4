/*
 * An RFC 5545 calendar object with one event, for the .ics attached to
 * invitations, reschedules and cancellations. Times are UTC ("Z"), so no
 * VTIMEZONE is needed; the UID stays the same for the life of the
 * appointment, and SEQUENCE grows with each reschedule, so calendars update
 * the one event instead of adding another.
 */

export interface CalendarEvent {
  /** REQUEST adds or updates the event; CANCEL removes it (RFC 5546). */
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  startsAt: Date;
  durationMinutes: number;
  /** When this version of the event was made (DTSTAMP). */
  stamp: Date;
  summary: string;
  description: string;
  /** The link to join; null for a cancellation. */
  url: string | null;
  organizer: { name: string; email: string } | null;
}

const PRODUCT_ID = '-//Guichet//Rendez-vous video//FR';
const MAX_LINE_OCTETS = 75;

/** `<appointmentId>@<host>`: stable for one appointment, unique across servers. */
export function calendarUid(appointmentId: string, host: string): string {
  return `${appointmentId}@${host}`;
}

export function buildIcs(event: CalendarEvent): string {
  const end = new Date(event.startsAt.getTime() + event.durationMinutes * 60_000);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODUCT_ID}`,
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${formatUtc(event.stamp)}`,
    `DTSTART:${formatUtc(event.startsAt)}`,
    `DTEND:${formatUtc(end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
  ];
  if (event.url !== null) lines.push(`URL:${stripControls(event.url)}`, `LOCATION:${escapeText(event.url)}`);
  if (event.organizer !== null) {
    lines.push(
      `ORGANIZER;CN="${quotedParam(event.organizer.name)}":mailto:${stripControls(event.organizer.email)}`,
    );
  }
  lines.push(
    `STATUS:${event.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  );
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** 20261203T133000Z */
export function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/\p{Cc}/gu, '');
}

/**
 * Folds a content line so no physical line exceeds 75 octets (§3.1): the
 * continuation lines start with one space, which counts. Cuts fall between
 * characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

function stripControls(text: string): string {
  return text.replace(/\p{Cc}/gu, '');
}

/** A parameter value in double quotes may hold anything but DQUOTE and controls. */
function quotedParam(text: string): string {
  return stripControls(text).replace(/"/g, "'");
}
