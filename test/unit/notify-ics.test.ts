import { describe, expect, it } from 'vitest';
import {
  buildIcs,
  calendarUid,
  escapeText,
  foldLine,
  formatUtc,
  type CalendarEvent,
} from '../../signaling/notify/ics.js';

function event(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    method: 'REQUEST',
    uid: calendarUid('apt_7Hq2', 'guichet.example.fr'),
    sequence: 0,
    startsAt: new Date('2026-12-03T13:30:00Z'),
    durationMinutes: 45,
    stamp: new Date('2026-11-20T08:15:00.123Z'),
    summary: 'Rendez-vous vidéo avec Jean Martin (CAF du Rhône)',
    description: 'Rejoindre : https://guichet.example.fr/r/x?t=abc\nMot de passe : K7M-4QX-9TP',
    url: 'https://guichet.example.fr/r/x?t=abc',
    organizer: null,
    ...overrides,
  };
}

/** RFC 5545 §3.1 unfolding, then NAME → raw value (first occurrence). */
function properties(ics: string): Map<string, string> {
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  const map = new Map<string, string>();
  for (const line of unfolded.split('\r\n')) {
    const match = /^([A-Z-]+)(;[^:]*)?:(.*)$/.exec(line);
    if (match && !map.has(match[1]!)) map.set(match[1]!, match[3]!);
  }
  return map;
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

describe('ics', () => {
  it('writes a REQUEST with UTC times, a stable UID and the link', () => {
    const ics = buildIcs(event({ sequence: 2 }));
    const props = properties(ics);
    expect(props.get('METHOD')).toBe('REQUEST');
    expect(props.get('VERSION')).toBe('2.0');
    expect(props.get('PRODID')).toBeTruthy();
    expect(props.get('UID')).toBe('apt_7Hq2@guichet.example.fr');
    expect(props.get('SEQUENCE')).toBe('2');
    expect(props.get('DTSTART')).toBe('20261203T133000Z');
    expect(props.get('DTEND')).toBe('20261203T141500Z');
    expect(props.get('DTSTAMP')).toBe('20261120T081500Z');
    expect(props.get('STATUS')).toBe('CONFIRMED');
    expect(props.get('URL')).toBe('https://guichet.example.fr/r/x?t=abc');
    expect(unescapeText(props.get('SUMMARY')!)).toBe('Rendez-vous vidéo avec Jean Martin (CAF du Rhône)');
    expect(unescapeText(props.get('DESCRIPTION')!)).toContain('https://guichet.example.fr/r/x?t=abc');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });

  it('writes a CANCEL with STATUS:CANCELLED and no link', () => {
    const ics = buildIcs(
      event({ method: 'CANCEL', url: null, sequence: 3, description: 'Ce rendez-vous est annulé.' }),
    );
    const props = properties(ics);
    expect(props.get('METHOD')).toBe('CANCEL');
    expect(props.get('STATUS')).toBe('CANCELLED');
    expect(props.get('UID')).toBe('apt_7Hq2@guichet.example.fr');
    expect(props.has('URL')).toBe(false);
    expect(ics).not.toContain('https://');
  });

  it('uses CRLF line endings only', () => {
    const ics = buildIcs(event());
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('escapes backslash, semicolon, comma and newlines in text', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
    const tricky = 'Dupont, Marie; "chef\\adjointe"\nDEUXIEME LIGNE:END:VEVENT';
    const props = properties(buildIcs(event({ summary: tricky, description: tricky })));
    expect(unescapeText(props.get('SUMMARY')!)).toBe(tricky);
    expect(unescapeText(props.get('DESCRIPTION')!)).toBe(tricky);
    // A newline in user input can't start a property of its own.
    expect(buildIcs(event({ summary: tricky })).split('\r\n')).not.toContain('DEUXIEME LIGNE:END:VEVENT');
  });

  it('folds lines at 75 octets without splitting a UTF-8 character', () => {
    const long = 'Rendez-vous vidéo — « é » '.repeat(20);
    const ics = buildIcs(event({ description: long, summary: 'ééééé'.repeat(40) }));
    for (const line of ics.split('\r\n')) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
    }
    const props = properties(ics);
    expect(unescapeText(props.get('DESCRIPTION')!)).toBe(long);
    expect(props.get('SUMMARY')).toBe('ééééé'.repeat(40));
  });

  it('foldLine leaves short lines alone and starts continuations with one space', () => {
    expect(foldLine('SUMMARY:court')).toBe('SUMMARY:court');
    const folded = foldLine(`X:${'a'.repeat(200)}`);
    const lines = folded.split('\r\n');
    expect(lines[0]).toHaveLength(75);
    expect(lines.slice(1).every((l) => l.startsWith(' ') && l.length <= 75)).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(`X:${'a'.repeat(200)}`);
  });

  it('formats UTC timestamps without separators or milliseconds', () => {
    expect(formatUtc(new Date('2026-03-29T01:05:09.999Z'))).toBe('20260329T010509Z');
  });

  it('adds an ORGANIZER with a quoted, sanitised name', () => {
    const ics = buildIcs(
      event({ organizer: { name: 'Mairie "Centre"; Accueil', email: 'no-reply@example.fr' } }),
    );
    expect(ics.replace(/\r\n /g, '')).toContain(
      `ORGANIZER;CN="Mairie 'Centre'; Accueil":mailto:no-reply@example.fr`,
    );
  });
});
