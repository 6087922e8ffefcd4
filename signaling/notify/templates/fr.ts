import type { NotificationKind } from '../../store/store.js';
import { accessDetails, agentWithService, lines } from './parts.js';
import type { Block, CalendarContent, EmailContent, LocaleCatalog, TemplateView } from './types.js';

const LABELS = {
  date: 'Date',
  duration: 'Durée',
  password: 'Mot de passe',
};

const p = (text: string): Block => ({ type: 'paragraph', text });
const join = (view: TemplateView): Block => ({
  type: 'button',
  label: 'Rejoindre le rendez-vous',
  href: view.link,
});
const greeting = (view: TemplateView): string =>
  view.citizenName ? `Bonjour ${view.citizenName},` : 'Bonjour,';
const hello = (view: TemplateView): Block => p(greeting(view));
const automatic = p('Ce message est envoyé automatiquement, merci de ne pas y répondre.');

function howToJoin(view: TemplateView): Block[] {
  const blocks = [
    join(view),
    accessDetails(view, LABELS),
    p('Si vous recopiez le lien à la main, le mot de passe vous sera demandé.'),
  ];
  if (view.phone) {
    blocks.push({
      type: 'phone',
      before: 'Sans ordinateur ni internet, vous pouvez aussi appeler le ',
      number: view.phone.number,
      after: `${view.phone.tollFree ? ' (appel gratuit)' : ''} et taper le code ${view.pin}, suivi de la touche #.`,
      tel: view.phone.tel,
      telLabel: 'Depuis un mobile, ce lien compose le numéro et le code',
      tapHint: 'Depuis un mobile, touchez le numéro : le code est composé pour vous.',
    });
    if (view.otherNumbers.length > 0)
      blocks.push(p(`Depuis un autre pays : ${view.otherNumbers.join(' ; ')}.`));
  }
  return blocks;
}

function email(kind: NotificationKind, view: TemplateView): EmailContent {
  const who = agentWithService(view);
  switch (kind) {
    case 'invitation':
      return {
        subject: `Votre rendez-vous vidéo du ${view.dateTimeShort}`,
        blocks: [
          hello(view),
          p(
            `${who} vous a fixé un rendez-vous vidéo le ${view.dateTime}, pour une durée de ${view.duration}.`,
          ),
          p(
            "Le jour venu, ouvrez le lien depuis un ordinateur, une tablette ou un téléphone équipé d'une caméra " +
              "et d'un micro. Vous patienterez dans une salle d'attente jusqu'à ce que votre interlocuteur vous " +
              'fasse entrer.',
          ),
          ...howToJoin(view),
          p('Le fichier joint (rendez-vous.ics) ajoute ce rendez-vous à votre agenda.'),
          automatic,
        ],
      };
    case 'reminder':
      return {
        subject: `Votre rendez-vous vidéo commence dans ${view.leadMinutes}`,
        blocks: [
          hello(view),
          p(`Votre rendez-vous vidéo avec ${who} commence dans ${view.leadMinutes}, à ${view.time}.`),
          ...howToJoin(view),
          automatic,
        ],
      };
    case 'rescheduled':
      return {
        subject: `Votre rendez-vous vidéo est déplacé au ${view.dateTimeShort}`,
        blocks: [
          hello(view),
          p(
            `Votre rendez-vous vidéo avec ${who} a été déplacé. Il aura lieu le ${view.dateTime}, ` +
              `pour une durée de ${view.duration}.`,
          ),
          ...howToJoin(view),
          p('Le fichier joint (rendez-vous.ics) met à jour votre agenda.'),
          automatic,
        ],
      };
    case 'cancelled':
      return {
        subject: `Votre rendez-vous vidéo du ${view.dateTimeShort} est annulé`,
        blocks: [
          hello(view),
          p(`Votre rendez-vous vidéo avec ${who}, prévu le ${view.dateTime}, est annulé.`),
          p('Le lien et le mot de passe reçus pour ce rendez-vous ne fonctionnent plus.'),
          p('Le fichier joint (rendez-vous.ics) retire ce rendez-vous de votre agenda.'),
          automatic,
        ],
      };
  }
}

function sms(kind: NotificationKind, view: TemplateView): string[] {
  const who = agentWithService(view);
  const link = `Lien : ${view.link}`;
  const password = `Mot de passe : ${view.password}`;
  const phone = view.phone ? `Par téléphone : ${view.phone.number}, code ${view.pin}` : null;
  // The one-tap link on its own line: no punctuation next to it for the phone's link detection.
  const tel = view.phone?.tel ?? null;
  switch (kind) {
    case 'invitation':
      return [
        lines(
          greeting(view),
          `Rendez-vous vidéo avec ${who} le ${view.dateTime}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(
          `Rendez-vous vidéo avec ${view.agentName} le ${view.dateTimeShort}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(`Rendez-vous vidéo le ${view.dateTimeShort}.`, link, password, phone, tel),
        lines(`Rendez-vous vidéo le ${view.dateTimeShort}.`, link, phone, tel),
        lines(`Rendez-vous vidéo le ${view.dateTimeShort}.`, link, password, phone),
        lines(`Rendez-vous vidéo le ${view.dateTimeShort}.`, link, password),
        lines(`Rendez-vous vidéo le ${view.dateTimeShort} :`, view.link),
      ];
    case 'reminder':
      return [
        lines(
          greeting(view),
          `Votre rendez-vous vidéo avec ${who} commence dans ${view.leadMinutes}, à ${view.time}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(
          `Votre rendez-vous vidéo commence dans ${view.leadMinutes}, à ${view.time}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(`Rendez-vous vidéo à ${view.time}.`, link, password, phone, tel),
        lines(`Rendez-vous vidéo à ${view.time}.`, link, phone, tel),
        lines(`Rendez-vous vidéo à ${view.time}.`, link, password, phone),
        lines(`Rendez-vous vidéo à ${view.time}.`, link, password),
        lines(`Rendez-vous vidéo à ${view.time} :`, view.link),
      ];
    case 'rescheduled':
      return [
        lines(
          greeting(view),
          `Votre rendez-vous vidéo avec ${who} est déplacé au ${view.dateTime}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(`Rendez-vous vidéo déplacé au ${view.dateTimeShort}.`, link, password, phone, tel),
        lines(`Rendez-vous vidéo déplacé au ${view.dateTimeShort}.`, link, phone, tel),
        lines(`Rendez-vous vidéo déplacé au ${view.dateTimeShort}.`, link, password, phone),
        lines(`Rendez-vous vidéo déplacé au ${view.dateTimeShort}.`, link, password),
        lines(`Rendez-vous vidéo déplacé au ${view.dateTimeShort} :`, view.link),
      ];
    case 'cancelled':
      return [
        lines(greeting(view), `Votre rendez-vous vidéo avec ${who} du ${view.dateTime} est annulé.`),
        `Votre rendez-vous vidéo avec ${view.agentName} du ${view.dateTimeShort} est annulé.`,
        `Votre rendez-vous vidéo du ${view.dateTimeShort} est annulé.`,
      ];
  }
}

function calendar(kind: NotificationKind, view: TemplateView): CalendarContent {
  const summary = `Rendez-vous vidéo avec ${agentWithService(view)}`;
  if (kind === 'cancelled') return { summary, description: 'Ce rendez-vous est annulé.' };
  const phone = view.phone
    ? `Par téléphone : ${view.phone.number}, puis le code ${view.pin} suivi de #`
    : null;
  return {
    summary,
    description: lines(
      `Rejoindre : ${view.link}`,
      `Mot de passe : ${view.password}`,
      phone,
      view.phone ? `Appel et code en une fois : ${view.phone.tel}` : null,
    ),
  };
}

export const fr: LocaleCatalog = { labelSeparator: ' : ', email, sms, calendar };
