import { describe, expect, it } from 'vitest';
import { refreshSeconds, renderWaitingPage } from '../../signaling/http/waiting-page.js';
import { formatTime } from '../../signaling/protocol/index.js';

const startsAt = Date.parse('2026-12-03T13:30:00Z');
const opensAt = Date.parse('2026-12-03T13:15:00Z');

describe('waiting page', () => {
  it('says when the appointment starts and when the page opens, in French, in Paris time', () => {
    const html = renderWaitingPage({
      state: 'early',
      locale: 'fr',
      timeZone: 'Europe/Paris',
      startsAt,
      opensAt,
      now: Date.parse('2026-12-03T10:00:00Z'),
      serviceName: 'CAF <Lyon>',
    });
    expect(html).toContain('<html lang="fr">');
    // French typography: no-break spaces inside « 14 h 30 » and before « ; » and « : ».
    expect(html).toContain(
      'Il commence à 14\u00a0h\u00a030\u00a0; cette page s’ouvrira à 14\u00a0h\u00a015.',
    );
    expect(html).toContain('laisser cette page ouverte\u00a0: elle');
    expect(html).not.toMatch(/ [;:!?]/);
    expect(html).toContain('jeudi 3 décembre 2026');
    expect(html).toContain('<script src="/waiting.js" data-reload-in="60" defer></script>');
    expect(html).toContain('CAF &#60;Lyon&#62;');
  });

  it('speaks English and refreshes at the opening', () => {
    const html = renderWaitingPage({
      state: 'early',
      locale: 'en',
      timeZone: 'Europe/Paris',
      startsAt,
      opensAt,
      now: opensAt - 20_000,
      serviceName: 'Guichet',
    });
    expect(html).toContain('It starts at 2:30 PM; this page will open at 2:15 PM.');
    expect(html).toContain('data-reload-in="20"');
  });

  it('does not refresh a closed or cancelled page', () => {
    expect(refreshSeconds({ state: 'closed', opensAt, now: 0 })).toBeNull();
    const html = renderWaitingPage({
      state: 'cancelled',
      locale: 'fr',
      timeZone: 'UTC',
      startsAt,
      opensAt,
      now: 0,
      serviceName: 'G',
    });
    expect(html).toContain('Ce rendez-vous a été annulé');
    expect(html).not.toContain('waiting.js');
  });

  it('formats times with the one formatter the browser uses too', () => {
    expect(formatTime(Date.parse('2026-07-01T07:05:00Z'), 'Europe/Paris', 'fr')).toBe('9\u00a0h\u00a005');
    expect(formatTime('2026-12-03T13:30:00Z', 'Europe/Paris', 'fr')).toBe('14\u00a0h\u00a030');
    expect(formatTime(new Date('2026-12-03T23:00:00Z'), 'Europe/Paris', 'fr')).toBe('0\u00a0h\u00a000');
    // Another zone: Réunion is UTC+4.
    expect(formatTime(Date.parse('2026-12-03T13:30:00Z'), 'Indian/Reunion', 'fr')).toBe('17\u00a0h\u00a030');
    expect(formatTime(Date.parse('2026-12-03T13:30:00Z'), 'Europe/Paris', 'en')).toBe('2:30 PM');
  });
});

describe('waiting page: dial-in for an early citizen', () => {
  const dialIn = {
    pin: '048213',
    numbers: [{ country: 'FR', number: '+33 1 86 95 00 00', tollFree: false, default: true }],
  };
  const input = {
    locale: 'fr' as const,
    timeZone: 'Europe/Paris',
    startsAt,
    opensAt,
    now: Date.parse('2026-12-03T10:00:00Z'),
    serviceName: 'CAF',
    dialIn,
  };

  it('gives the number as a one-tap link, the PIN, and from when', () => {
    const html = renderWaitingPage({ ...input, state: 'early' });
    expect(html).toContain(
      'Sans internet, vous pourrez aussi appeler, à partir de 14\u00a0h\u00a015, le ' +
        '<a href="tel:+33186950000,,048213%23">+33 1 86 95 00 00</a> et taper le code <strong>048213</strong>, suivi de la touche #.',
    );
    expect(renderWaitingPage({ ...input, locale: 'en', state: 'early' })).toContain(
      'and enter the code <strong>048213</strong>, followed by the # key.',
    );
  });

  it('says nothing of it on the closed, cancelled and invalid pages', () => {
    for (const state of ['closed', 'cancelled', 'invalid'] as const) {
      const html = renderWaitingPage({ ...input, state });
      expect(html).not.toContain('048213');
      expect(html).not.toContain('tel:');
    }
  });
});
