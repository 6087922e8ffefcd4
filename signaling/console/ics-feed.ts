import { calendarUid, escapeText, foldLine, formatUtc } from '../notify/ics.js';
import type { AppointmentView } from '../protocol/index.js';

/*
 * An agent's calendar feed (RFC 5545, no METHOD: a published calendar, not
 * an invitation): one VEVENT per appointment, with the same UID as the .ics
 * sent to the citizen, so the two describe the same event. It carries the
 * citizen's name and the agent's own link, never an email or phone number.
 */
export function buildAgentFeed(
  items: readonly AppointmentView[],
  options: { host: string; calendarName: string; now: Date },
): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Guichet//Agenda agent//FR',
    'CALSCALE:GREGORIAN',
    `X-WR-CALNAME:${escapeText(options.calendarName)}`,
  ];
  for (const item of items) {
    const description = [item.note ?? '', item.links.agent].filter((line) => line !== '').join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(calendarUid(item.id, options.host))}`,
      `DTSTAMP:${formatUtc(options.now)}`,
      `LAST-MODIFIED:${formatUtc(new Date(item.updatedAt))}`,
      `DTSTART:${formatUtc(new Date(item.startsAt))}`,
      `DTEND:${formatUtc(new Date(item.endsAt))}`,
      `SUMMARY:${escapeText(`Visio : ${item.citizen.displayName}`)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `URL:${item.links.agent.replace(/\p{Cc}/gu, '')}`,
      `STATUS:${item.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
