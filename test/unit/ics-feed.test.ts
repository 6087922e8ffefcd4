import { describe, expect, it } from 'vitest';
import { buildAgentFeed } from '../../signaling/console/ics-feed.js';
import { EXAMPLE_APPOINTMENT } from '../../signaling/http/api-examples.js';

describe("the agent's calendar feed", () => {
  const feed = buildAgentFeed(
    [
      EXAMPLE_APPOINTMENT,
      { ...EXAMPLE_APPOINTMENT, id: 'b', status: 'cancelled', note: 'Réf. ; virgule, et\nligne' },
    ],
    { host: 'visio.example.fr', calendarName: 'Guichet', now: new Date('2026-12-01T10:00:00Z') },
  );
  const lines = feed.split('\r\n');

  it('is a published calendar (no METHOD) with one event per appointment, the invitation UID and CRLF lines of 75 octets at most', () => {
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(feed).not.toContain('METHOD:');
    expect(feed.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(feed).toContain(`UID:${EXAMPLE_APPOINTMENT.id}@visio.example.fr`);
    expect(feed).toContain('DTSTART:20261203T133000Z\r\nDTEND:20261203T140000Z');
    expect(feed.endsWith('END:VCALENDAR\r\n')).toBe(true);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });

  it("marks a cancelled appointment, escapes text, and carries the agent's link but no email or phone", () => {
    expect(feed).toContain('STATUS:CONFIRMED');
    expect(feed).toContain('STATUS:CANCELLED');
    expect(feed.replace(/\r\n /g, '')).toContain('Réf. \\; virgule\\, et\\nligne');
    expect(feed.replace(/\r\n /g, '')).toContain(`URL:${EXAMPLE_APPOINTMENT.links.agent}`);
    expect(feed).not.toContain('marie.dupont@example.org');
    expect(feed).not.toContain('+33612345678');
  });
});
