import { describe, expect, it } from 'vitest';
import { formatTime, refreshSeconds, renderWaitingPage } from '../../signaling/http/waiting-page.js';

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
    expect(html).toContain('Il commence à 14 h 30 ; cette page s’ouvrira à 14 h 15.');
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

  it('formats French times with "h"', () => {
    expect(formatTime(Date.parse('2026-07-01T07:05:00Z'), 'fr', 'Europe/Paris')).toBe('9 h 05');
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
      'Sans internet, vous pourrez aussi appeler, à partir de 14 h 15, le ' +
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
