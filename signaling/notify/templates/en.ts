import type { NotificationKind } from '../../store/store.js';
import { accessDetails, agentWithService, lines } from './parts.js';
import type { Block, CalendarContent, EmailContent, LocaleCatalog, TemplateView } from './types.js';

const LABELS = {
  date: 'Date',
  duration: 'Duration',
  password: 'Password',
};

const p = (text: string): Block => ({ type: 'paragraph', text });
const join = (view: TemplateView): Block => ({
  type: 'button',
  label: 'Join the appointment',
  href: view.link,
});
const greeting = (view: TemplateView): string => (view.citizenName ? `Hello ${view.citizenName},` : 'Hello,');
const hello = (view: TemplateView): Block => p(greeting(view));
const automatic = p('This message was sent automatically; please do not reply.');

function howToJoin(view: TemplateView): Block[] {
  const blocks = [
    join(view),
    accessDetails(view, LABELS),
    p('If you type the address by hand, you will be asked for the password.'),
  ];
  if (view.phone) {
    blocks.push({
      type: 'phone',
      before: 'Without a computer or internet access, you can also call ',
      number: view.phone.number,
      after: `${view.phone.tollFree ? ' (free call)' : ''} and enter the code ${view.pin}, followed by the # key.`,
      tel: view.phone.tel,
      telLabel: 'On a mobile, this link dials the number and the code',
      tapHint: 'On a mobile, tap the number: the code is dialled for you.',
    });
    if (view.otherNumbers.length > 0)
      blocks.push(p(`From another country: ${view.otherNumbers.join('; ')}.`));
  }
  return blocks;
}

function email(kind: NotificationKind, view: TemplateView): EmailContent {
  const who = agentWithService(view);
  switch (kind) {
    case 'invitation':
      return {
        subject: `Your video appointment on ${view.dateTimeShort}`,
        blocks: [
          hello(view),
          p(`${who} has booked a video appointment with you on ${view.dateTime}, for ${view.duration}.`),
          p(
            'When the time comes, open the link on a computer, tablet or phone with a camera and a microphone. ' +
              'You will wait in a waiting room until you are let in.',
          ),
          ...howToJoin(view),
          p('The attached file (rendez-vous.ics) adds this appointment to your calendar.'),
          automatic,
        ],
      };
    case 'reminder':
      return {
        subject: `Your video appointment starts in ${view.leadMinutes}`,
        blocks: [
          hello(view),
          p(`Your video appointment with ${who} starts in ${view.leadMinutes}, at ${view.time}.`),
          ...howToJoin(view),
          automatic,
        ],
      };
    case 'rescheduled':
      return {
        subject: `Your video appointment has moved to ${view.dateTimeShort}`,
        blocks: [
          hello(view),
          p(
            `Your video appointment with ${who} has moved. It will take place on ${view.dateTime}, for ${view.duration}.`,
          ),
          ...howToJoin(view),
          p('The attached file (rendez-vous.ics) updates your calendar.'),
          automatic,
        ],
      };
    case 'cancelled':
      return {
        subject: `Your video appointment on ${view.dateTimeShort} is cancelled`,
        blocks: [
          hello(view),
          p(`Your video appointment with ${who}, planned on ${view.dateTime}, is cancelled.`),
          p('The link and password you received for this appointment no longer work.'),
          p('The attached file (rendez-vous.ics) removes this appointment from your calendar.'),
          automatic,
        ],
      };
  }
}

function sms(kind: NotificationKind, view: TemplateView): string[] {
  const who = agentWithService(view);
  const link = `Link: ${view.link}`;
  const password = `Password: ${view.password}`;
  const phone = view.phone ? `By phone: ${view.phone.number}, code ${view.pin}` : null;
  // The one-tap link on its own line: no punctuation next to it for the phone's link detection.
  const tel = view.phone?.tel ?? null;
  switch (kind) {
    case 'invitation':
      return [
        lines(
          greeting(view),
          `Video appointment with ${who} on ${view.dateTime}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(
          `Video appointment with ${view.agentName} on ${view.dateTimeShort}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(`Video appointment on ${view.dateTimeShort}.`, link, password, phone, tel),
        lines(`Video appointment on ${view.dateTimeShort}.`, link, phone, tel),
        lines(`Video appointment on ${view.dateTimeShort}.`, link, password, phone),
        lines(`Video appointment on ${view.dateTimeShort}.`, link, password),
        lines(`Video appointment on ${view.dateTimeShort}:`, view.link),
      ];
    case 'reminder':
      return [
        lines(
          greeting(view),
          `Your video appointment with ${who} starts in ${view.leadMinutes}, at ${view.time}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(
          `Your video appointment starts in ${view.leadMinutes}, at ${view.time}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(`Video appointment at ${view.time}.`, link, password, phone, tel),
        lines(`Video appointment at ${view.time}.`, link, phone, tel),
        lines(`Video appointment at ${view.time}.`, link, password, phone),
        lines(`Video appointment at ${view.time}.`, link, password),
        lines(`Video appointment at ${view.time}:`, view.link),
      ];
    case 'rescheduled':
      return [
        lines(
          greeting(view),
          `Your video appointment with ${who} has moved to ${view.dateTime}.`,
          link,
          password,
          phone,
          tel,
        ),
        lines(`Video appointment moved to ${view.dateTimeShort}.`, link, password, phone, tel),
        lines(`Video appointment moved to ${view.dateTimeShort}.`, link, phone, tel),
        lines(`Video appointment moved to ${view.dateTimeShort}.`, link, password, phone),
        lines(`Video appointment moved to ${view.dateTimeShort}.`, link, password),
        lines(`Video appointment moved to ${view.dateTimeShort}:`, view.link),
      ];
    case 'cancelled':
      return [
        lines(greeting(view), `Your video appointment with ${who} on ${view.dateTime} is cancelled.`),
        `Your video appointment with ${view.agentName} on ${view.dateTimeShort} is cancelled.`,
        `Your video appointment on ${view.dateTimeShort} is cancelled.`,
      ];
  }
}

function calendar(kind: NotificationKind, view: TemplateView): CalendarContent {
  const summary = `Video appointment with ${agentWithService(view)}`;
  if (kind === 'cancelled') return { summary, description: 'This appointment is cancelled.' };
  const phone = view.phone ? `By phone: ${view.phone.number}, then the code ${view.pin} followed by #` : null;
  return {
    summary,
    description: lines(
      `Join: ${view.link}`,
      `Password: ${view.password}`,
      phone,
      view.phone ? `Number and code in one tap: ${view.phone.tel}` : null,
    ),
  };
}

export const en: LocaleCatalog = { labelSeparator: ': ', email, sms, calendar };
