import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../signaling/notify/delivery-error.js';
import { renderNotification, type NotificationData } from '../../signaling/notify/render.js';
import { renderTemplate, type TemplateData } from '../../signaling/notify/templates.js';
import { formatStart, formatTime } from '../../signaling/notify/templates/format.js';
import { gsmLength, toGsm } from '../../signaling/notify/templates/gsm.js';
import type { NotificationKind } from '../../signaling/store/store.js';

const FR_NUMBER = { country: 'FR', number: '+33 1 84 88 00 00', tollFree: false, default: true };
const TEL = 'tel:+33184880000,,482913%23';
const KINDS: NotificationKind[] = ['invitation', 'reminder', 'rescheduled', 'cancelled'];
const LINK =
  'https://guichet.example.fr/r/Xk3vQ9?t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaXRpemVuIn0.c2lnbmF0dXJl';

function data(overrides: Partial<TemplateData> = {}): TemplateData {
  return {
    citizenName: 'Marie Dupont',
    agentName: 'Jean Martin',
    serviceName: 'CAF du Rhône',
    startsAt: new Date('2026-12-03T13:30:00Z'),
    durationMinutes: 30,
    timeZone: 'Europe/Paris',
    link: LINK,
    password: 'K7M-4QX-9TP',
    pin: '482913',
    dialInNumbers: [FR_NUMBER],
    ...overrides,
  };
}

function notification(overrides: Partial<NotificationData> = {}): NotificationData {
  return { ...data(), to: 'marie@example.org', appointmentId: 'apt_1', generation: 2, ...overrides };
}

describe('date and time formatting', () => {
  const start = new Date('2026-12-03T13:30:00Z');

  it('spells a French date and time in the appointment time zone', () => {
    expect(formatStart(start, 'Europe/Paris', 'fr')).toEqual({
      date: 'jeudi 3 décembre 2026',
      dateShort: 'jeudi 3 décembre',
      time: '14 h 30',
      dateTime: 'jeudi 3 décembre 2026 à 14 h 30',
      dateTimeShort: 'jeudi 3 décembre à 14 h 30',
    });
  });

  it('spells an English date and time with plain spaces', () => {
    const formatted = formatStart(start, 'Europe/Paris', 'en');
    expect(formatted.dateTime).toBe('Thursday, December 3, 2026 at 2:30 PM');
    expect(formatted.dateTimeShort).toBe('Thursday, December 3 at 2:30 PM');
  });

  it('writes French hours the administrative way', () => {
    expect(formatTime(new Date('2026-12-03T08:05:00Z'), 'Europe/Paris', 'fr')).toBe('9 h 05');
    expect(formatTime(new Date('2026-12-03T13:00:00Z'), 'Europe/Paris', 'fr')).toBe('14 h');
    expect(formatTime(new Date('2026-12-03T23:10:00Z'), 'Europe/Paris', 'fr')).toBe('0 h 10');
    // Summer time: UTC+2 in Paris.
    expect(formatTime(new Date('2026-07-01T13:30:00Z'), 'Europe/Paris', 'fr')).toBe('15 h 30');
    // Another zone: Réunion is UTC+4.
    expect(formatTime(new Date('2026-12-03T13:30:00Z'), 'Indian/Reunion', 'fr')).toBe('17 h 30');
  });

  it('writes the first of the month as an ordinal in French', () => {
    expect(formatStart(new Date('2026-12-01T09:00:00Z'), 'Europe/Paris', 'fr').date).toBe(
      'mardi 1er décembre 2026',
    );
  });

  it('uses the local date when the time zone moves the day', () => {
    expect(formatStart(new Date('2026-12-03T23:30:00Z'), 'Europe/Paris', 'fr').dateTime).toBe(
      'vendredi 4 décembre 2026 à 0 h 30',
    );
  });
});

describe('French templates', () => {
  it('invitation: subject, local time, link, password and dial-in', () => {
    const t = renderTemplate('invitation', 'fr', data());
    expect(t.subject).toBe('Votre rendez-vous vidéo du jeudi 3 décembre à 14 h 30');
    expect(t.text).toContain('Bonjour Marie Dupont,');
    expect(t.text).toContain(
      'Jean Martin (CAF du Rhône) vous a fixé un rendez-vous vidéo le jeudi 3 décembre 2026 à 14 h 30',
    );
    expect(t.text).toContain(LINK);
    expect(t.text).toContain('Mot de passe : K7M-4QX-9TP');
    expect(t.text).toContain('appeler le +33 1 84 88 00 00 et taper le code 482913, suivi de la touche #.');
    expect(t.text).toContain(`Depuis un mobile, ce lien compose le numéro et le code : ${TEL}`);
    expect(t.html).toContain(`<a href="${TEL}"`);
    expect(t.html).toContain('>+33 1 84 88 00 00</a>');
    expect(t.html).toContain('<html lang="fr">');
    expect(t.html).toContain(`href="${LINK}"`);
  });

  it('reminder: the lead time is an input', () => {
    expect(renderTemplate('reminder', 'fr', data()).subject).toBe(
      'Votre rendez-vous vidéo commence dans 15 minutes',
    );
    const t = renderTemplate('reminder', 'fr', data({ reminderLeadMinutes: 10 }));
    expect(t.subject).toBe('Votre rendez-vous vidéo commence dans 10 minutes');
    expect(t.text).toContain('commence dans 10 minutes, à 14 h 30');
    expect(t.text).toContain(LINK);
  });

  it('rescheduled: the new date, and the link again', () => {
    const t = renderTemplate('rescheduled', 'fr', data());
    expect(t.subject).toBe('Votre rendez-vous vidéo est déplacé au jeudi 3 décembre à 14 h 30');
    expect(t.text).toContain('a été déplacé');
    expect(t.text).toContain(LINK);
  });

  it('cancelled: no link, no password, no PIN', () => {
    const t = renderTemplate('cancelled', 'fr', data());
    expect(t.subject).toBe('Votre rendez-vous vidéo du jeudi 3 décembre à 14 h 30 est annulé');
    expect(t.text).toContain('est annulé');
    for (const secret of [LINK, 'K7M-4QX-9TP', '482913', 'guichet.example.fr']) {
      expect(t.text).not.toContain(secret);
      expect(t.html).not.toContain(secret);
      expect(t.sms).not.toContain(secret);
    }
  });

  it('leaves out the phone paragraph without a dial-in number', () => {
    const t = renderTemplate('invitation', 'fr', data({ dialInNumbers: [] }));
    expect(t.text).not.toContain('482913');
    expect(t.text).not.toContain('appeler');
    expect(t.sms).not.toContain('482913');
    expect(t.html).not.toContain('tel:');
    expect(t.calendar.description).not.toContain('482913');
  });

  it('lists the other numbers by country, and says which are free', () => {
    const t = renderTemplate(
      'reminder',
      'fr',
      data({
        dialInNumbers: [
          { country: 'BE', number: '+32 2 555 01 00', tollFree: false, default: false },
          { ...FR_NUMBER, number: '+33 8 05 00 00 00', tollFree: true },
        ],
      }),
    );
    // The default one is the one linked, wherever it is listed.
    expect(t.text).toContain('appeler le +33 8 05 00 00 00 (appel gratuit) et taper le code 482913');
    expect(t.text).toContain('tel:+33805000000,,482913%23');
    expect(t.text).toContain('Depuis un autre pays : Belgique : +32 2 555 01 00.');
  });

  it('the calendar description carries the number, the code and the tel: link', () => {
    const t = renderTemplate('invitation', 'fr', data());
    expect(t.calendar.description).toContain(
      'Par téléphone : +33 1 84 88 00 00, puis le code 482913 suivi de #',
    );
    expect(t.calendar.description).toContain(TEL);
    expect(renderTemplate('invitation', 'en', data()).calendar.description).toContain(TEL);
  });
});

describe('English templates', () => {
  it.each([
    ['invitation', 'Your video appointment on Thursday, December 3 at 2:30 PM'],
    ['reminder', 'Your video appointment starts in 15 minutes'],
    ['rescheduled', 'Your video appointment has moved to Thursday, December 3 at 2:30 PM'],
    ['cancelled', 'Your video appointment on Thursday, December 3 at 2:30 PM is cancelled'],
  ] as const)('%s subject', (kind, subject) => {
    const t = renderTemplate(kind, 'en', data());
    expect(t.subject).toBe(subject);
    expect(t.text).toContain('Hello Marie Dupont,');
    expect(t.html).toContain('<html lang="en">');
    if (kind === 'cancelled') expect(t.text).not.toContain(LINK);
    else expect(t.text).toContain('Password: K7M-4QX-9TP');
  });

  it('invitation body', () => {
    const t = renderTemplate('invitation', 'en', data());
    expect(t.text).toContain('on Thursday, December 3, 2026 at 2:30 PM, for 30 minutes');
    expect(t.text).toContain(LINK);
    expect(t.text).toContain('call +33 1 84 88 00 00 and enter the code 482913, followed by the # key.');
    expect(t.text).toContain(`On a mobile, this link dials the number and the code: ${TEL}`);
    expect(t.html).toContain(`<a href="${TEL}"`);
    const other = renderTemplate(
      'invitation',
      'en',
      data({
        dialInNumbers: [
          FR_NUMBER,
          { country: 'BE', number: '+32 2 555 01 00', tollFree: true, default: false },
        ],
      }),
    );
    expect(other.text).toContain('From another country: Belgium: +32 2 555 01 00.');
  });
});

describe('HTML escaping', () => {
  const hostile = data({
    citizenName: '<script>alert("x")</script>',
    agentName: 'Jean "Bob" <b>Martin</b>',
    serviceName: "Mairie & CCAS d'<i>Ici</i>",
  });

  it.each(KINDS)('escapes user input in the %s email', (kind) => {
    for (const locale of ['fr', 'en'] as const) {
      const { html, subject } = renderTemplate(kind, locale, hostile);
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<b>');
      expect(html).not.toContain('<i>');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      if (kind !== 'reminder') expect(html).toContain('Jean &quot;Bob&quot; &lt;b&gt;Martin&lt;/b&gt;');
      expect(html).toContain('Mairie &amp; CCAS d&#39;&lt;i&gt;Ici&lt;/i&gt;');
      // The subject goes into <title> escaped too (it holds no names today, but it might).
      expect(html).toContain(`<title>${subject.replace(/&/g, '&amp;')}</title>`);
    }
  });

  it('keeps the plain-text part as typed', () => {
    expect(renderTemplate('invitation', 'fr', hostile).text).toContain(
      'Bonjour <script>alert("x")</script>,',
    );
  });

  it('refuses a link that is not http(s), so no javascript: href can appear', () => {
    expect(() => renderTemplate('invitation', 'fr', data({ link: 'javascript:alert(1)' }))).toThrow(
      DeliveryError,
    );
  });

  it('flattens line breaks in names', () => {
    const t = renderTemplate('invitation', 'fr', data({ citizenName: 'Marie\r\nBcc: x' }));
    expect(t.text).toContain('Bonjour Marie Bcc: x,');
    expect(t.sms.split('\n')[0]).toBe('Bonjour Marie Bcc: x,');
  });
});

describe('SMS', () => {
  it.each(KINDS)('%s fits 320 GSM characters, in both languages, even with long names', (kind) => {
    for (const locale of ['fr', 'en'] as const) {
      for (const d of [
        data(),
        data({ citizenName: 'Marie-Bénédicte '.repeat(12), agentName: 'Jean-Christophe '.repeat(10) }),
        data({ serviceName: 'Caisse d’allocations familiales de la Haute-Savoie, antenne d’Annemasse' }),
        data({ link: `${LINK}${'x'.repeat(60)}` }),
      ]) {
        const { sms } = renderTemplate(kind, locale, d);
        expect(gsmLength(sms)).toBeLessThanOrEqual(320);
        expect(toGsm(sms)).toBe(sms);
        if (kind !== 'cancelled') expect(sms).toContain(d.link);
        expect(sms).toMatch(locale === 'fr' ? /jeudi 3 décembre|14 h 30/ : /Thursday, December 3|2:30 PM/);
      }
    }
  });

  it('carries the link, password and dial-in when there is room', () => {
    const { sms } = renderTemplate('invitation', 'fr', data());
    expect(sms).toBe(
      [
        'Bonjour Marie Dupont,',
        'Rendez-vous vidéo avec Jean Martin (CAF du Rhone) le jeudi 3 décembre 2026 à 14 h 30.',
        `Lien : ${LINK}`,
        'Mot de passe : K7M-4QX-9TP',
        'Par téléphone : +33 1 84 88 00 00, code 482913',
        TEL,
      ].join('\n'),
    );
  });

  it.each(KINDS.filter((k) => k !== 'cancelled'))(
    '%s keeps the number, the PIN and the one-tap link within 2 segments, with a real-size link',
    (kind) => {
      // What links.ts builds: origin, /r/, a room id (3 × 4 letters) and the 58-character token.
      const link = `https://rdv.caf-rhone.example.fr/r/abcd-efgh-jkmn?t=${'a'.repeat(58)}`;
      for (const locale of ['fr', 'en'] as const) {
        for (const d of [data({ link }), data({ link, citizenName: 'Marie-Bénédicte de La Tour-Dupont' })]) {
          const { sms } = renderTemplate(kind, locale, d);
          expect(gsmLength(sms)).toBeLessThanOrEqual(320);
          expect(sms).toContain(link);
          expect(sms).toContain('+33 1 84 88 00 00');
          expect(sms).toContain('482913');
          expect(sms.split('\n')).toContain(TEL);
        }
      }
    },
  );

  it('drops the extras, never the link, when the link is long', () => {
    const link = `https://guichet.example.fr/r/abc?t=${'a'.repeat(230)}`;
    const { sms } = renderTemplate('reminder', 'fr', data({ link }));
    expect(sms).toContain(link);
    expect(gsmLength(sms)).toBeLessThanOrEqual(320);
  });

  it('rewrites characters outside the GSM alphabet', () => {
    expect(toGsm('Août «ça» – l’œuvre ê')).toBe('Aout "ca" - l\'oeuvre e');
    expect(toGsm('😀')).toBe('?');
    expect(gsmLength('€[]')).toBe(6);
  });
});

describe('renderNotification', () => {
  it('builds an email with the calendar file, except for reminders', () => {
    for (const kind of KINDS) {
      const message = renderNotification(kind, 'email', 'fr', notification());
      expect(message.channel).toBe('email');
      expect(message.to).toBe('marie@example.org');
      expect(message.subject).toMatch(/^Votre rendez-vous vidéo/);
      expect(message.html).toContain('<!doctype html>');
      if (kind === 'reminder') {
        expect(message.attachments).toEqual([]);
      } else {
        expect(message.attachments).toHaveLength(1);
        expect(message.attachments[0]?.filename).toBe('rendez-vous.ics');
        expect(message.attachments[0]?.contentType).toMatch(
          /^text\/calendar; charset=utf-8; method=(REQUEST|CANCEL)$/,
        );
      }
    }
  });

  it('uses the generation as SEQUENCE, and a CANCEL above it', () => {
    const invite = renderNotification('rescheduled', 'email', 'fr', notification({ generation: 3 }));
    expect(invite.attachments[0]?.content).toContain('SEQUENCE:3\r\n');
    expect(invite.attachments[0]?.content).toContain('UID:apt_1@guichet.example.fr\r\n');
    const cancel = renderNotification('cancelled', 'email', 'fr', notification({ generation: 3 }));
    expect(cancel.attachments[0]?.content).toContain('METHOD:CANCEL\r\n');
    expect(cancel.attachments[0]?.content).toContain('SEQUENCE:4\r\n');
    expect(cancel.attachments[0]?.content).not.toContain('URL:');
  });

  it('builds an SMS as text only', () => {
    const message = renderNotification('reminder', 'sms', 'en', notification({ to: '+33612345678' }));
    expect(message).toMatchObject({
      channel: 'sms',
      to: '+33612345678',
      subject: null,
      html: null,
      attachments: [],
    });
    expect(message.text).toContain('starts in 15 minutes');
  });

  it('refuses data no retry could render, as a permanent DeliveryError', () => {
    const cases: Partial<NotificationData>[] = [
      { timeZone: 'Mars/Olympus' },
      { startsAt: new Date('nope') },
      { durationMinutes: 0 },
      { generation: -1 },
      { reminderLeadMinutes: 1.5 },
    ];
    for (const overrides of cases) {
      let error: unknown;
      try {
        renderNotification('invitation', 'email', 'fr', notification(overrides));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ permanent: true });
    }
  });
});
