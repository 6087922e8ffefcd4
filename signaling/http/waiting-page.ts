import { formatTime } from '../protocol/index.js';
import { defaultDialIn, dialInTelUri, type DialInInfo } from '../protocol/dial-in.js';
import type { Locale } from '../store/store.js';

/*
 * The page a one-click link shows outside the access window: plain HTML in
 * the appointment's language and time zone, reloading itself (a small
 * same-origin script, client/static/waiting.js) until the room opens.
 * French typography as in the app: no-break spaces before ; and :, and in
 * « 14 h 30 » (formatTime, shared with the browser).
 */

export type WaitingState = 'early' | 'closed' | 'cancelled' | 'invalid';

export interface WaitingPageInput {
  state: WaitingState;
  locale: Locale;
  timeZone: string;
  startsAt: number;
  opensAt: number;
  now: number;
  serviceName: string;
  /** For a citizen's link that comes early: the number and PIN, to call once the room opens. */
  dialIn?: DialInInfo;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function formatDate(instant: number, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(instant);
}

const TEXT = {
  fr: {
    title: 'Votre rendez-vous vidéo',
    early: (date: string, start: string, opens: string) =>
      `Votre rendez-vous est prévu le ${date}. Il commence à ${start}\u00a0; cette page s’ouvrira à ${opens}.`,
    earlyHint: 'Vous pouvez laisser cette page ouverte : elle se mettra à jour toute seule.',
    phone: (opens: string) => ({
      before: `Sans internet, vous pourrez aussi appeler, à partir de ${opens}, le `,
      middle: ' et taper le code ',
    }),
    phoneEnd: ', suivi de la touche #.',
    closed:
      'Ce rendez-vous est terminé. Si vous pensez que c’est une erreur, contactez le service qui vous a invité.',
    cancelled: 'Ce rendez-vous a été annulé. Le service qui vous a invité peut vous en proposer un autre.',
    invalid: 'Ce lien n’est pas valide. Vérifiez que vous l’avez copié en entier, ou demandez-en un nouveau.',
  },
  en: {
    title: 'Your video appointment',
    early: (date: string, start: string, opens: string) =>
      `Your appointment is on ${date}. It starts at ${start}; this page will open at ${opens}.`,
    earlyHint: 'You can leave this page open: it will update by itself.',
    phone: (opens: string) => ({
      before: `Without internet access, you can also call, from ${opens}, `,
      middle: ' and enter the code ',
    }),
    phoneEnd: ', followed by the # key.',
    closed: 'This appointment is over. If you think this is a mistake, contact the service that invited you.',
    cancelled: 'This appointment was cancelled. The service that invited you can offer you another one.',
    invalid: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
  },
} as const;

/** Seconds until the page should reload: at the opening, but at least every minute (clock changes, reschedules). */
export function refreshSeconds(input: Pick<WaitingPageInput, 'state' | 'opensAt' | 'now'>): number | null {
  if (input.state !== 'early') return null;
  return Math.max(5, Math.min(60, Math.ceil((input.opensAt - input.now) / 1000)));
}

/** The number as a one-tap link (number, pauses, PIN, #), and the PIN spelled out for who dials by hand. */
function phoneParagraph(input: WaitingPageInput): string {
  const main = input.dialIn ? defaultDialIn(input.dialIn.numbers) : undefined;
  const tel = main && input.dialIn ? dialInTelUri(main.number, input.dialIn.pin) : null;
  if (!main || !tel || !input.dialIn) return '';
  const t = TEXT[input.locale];
  const { before, middle } = t.phone(formatTime(input.opensAt, input.timeZone, input.locale));
  return (
    `<p class="dial-in">${escapeHtml(before)}<a href="${escapeHtml(tel)}">${escapeHtml(main.number)}</a>` +
    `${escapeHtml(middle)}<strong>${escapeHtml(input.dialIn.pin)}</strong>${escapeHtml(t.phoneEnd)}</p>`
  );
}

export function renderWaitingPage(input: WaitingPageInput): string {
  const t = TEXT[input.locale];
  const body =
    input.state === 'early'
      ? `<p>${escapeHtml(
          t.early(
            formatDate(input.startsAt, input.locale, input.timeZone),
            formatTime(input.startsAt, input.timeZone, input.locale),
            formatTime(input.opensAt, input.timeZone, input.locale),
          ),
        )}</p><p>${escapeHtml(t.earlyHint)}</p>${phoneParagraph(input)}`
      : `<p>${escapeHtml(t[input.state])}</p>`;
  const refresh = refreshSeconds(input);
  return `<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh === null ? '' : `<script src="/waiting.js" data-reload-in="${refresh}" defer></script>`}
<title>${escapeHtml(t.title)} – ${escapeHtml(input.serviceName)}</title>
<link rel="stylesheet" href="/styles.css">
</head>
<body>
<main class="waiting" role="main">
<h1>${escapeHtml(t.title)}</h1>
<div role="status">${body}</div>
</main>
</body>
</html>
`;
}
