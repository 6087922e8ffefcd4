import type { DialInNumber } from '../../protocol/dial-in.js';
import type { NotificationKind } from '../../store/store.js';

/** What every notification is made from. Names are user input: escaped in HTML, rewritten for SMS. */
export interface TemplateData {
  citizenName: string;
  agentName: string;
  /** The agent's service, e.g. « CAF du Rhône »; blank when unknown. */
  serviceName: string;
  startsAt: Date;
  durationMinutes: number;
  /** IANA name, e.g. Europe/Paris: every date and time is spelled in it. */
  timeZone: string;
  /** The citizen's one-click link (absent from cancellations). */
  link: string;
  /** The room password, for people who type the address by hand. */
  password: string;
  /** Dial-in PIN, shown only with a dial-in number. */
  pin: string;
  /** DIAL_IN_NUMBERS; empty: no phone paragraph. */
  dialInNumbers: readonly DialInNumber[];
  /** How long before the start the reminder goes out (default 15). */
  reminderLeadMinutes?: number;
}

/** TemplateData with everything already spelled out for one locale. */
export interface TemplateView {
  citizenName: string;
  agentName: string;
  serviceName: string | null;
  date: string;
  dateShort: string;
  time: string;
  dateTime: string;
  dateTimeShort: string;
  duration: string;
  timeZone: string;
  link: string;
  password: string;
  pin: string;
  /** The default number with its one-tap link; null without dial-in. */
  phone: PhoneView | null;
  /** The other numbers, « Belgique : +32 2 555 01 00 » (country in the message's language). */
  otherNumbers: string[];
  leadMinutes: string;
}

export interface PhoneView {
  /** As configured: « +33 1 86 95 00 00 ». */
  number: string;
  /** `tel:+33186950000,,482913%23` (signaling/protocol/dial-in.ts). */
  tel: string;
  tollFree: boolean;
}

/** The body of an email, as blocks that layout.ts turns into text and into escaped HTML. */
export type Block =
  | { type: 'paragraph'; text: string }
  /** A call to action; HTML also shows the address under it, for copying. */
  | { type: 'button'; label: string; href: string }
  | { type: 'details'; rows: DetailRow[] }
  /**
   * A sentence with the phone number in it: HTML links the number to the
   * one-tap `tel:` URI; plain text adds that URI on a line of its own.
   */
  | {
      type: 'phone';
      before: string;
      number: string;
      after: string;
      tel: string;
      /** Plain text: the label of the tel: URI's line. */
      telLabel: string;
      /** HTML: under the sentence, what tapping the number does. */
      tapHint: string;
    };

export interface DetailRow {
  label: string;
  value: string;
}

export interface EmailContent {
  subject: string;
  blocks: Block[];
}

export interface CalendarContent {
  summary: string;
  description: string;
}

/** One language: every wording lives here, the layout elsewhere. */
export interface LocaleCatalog {
  /** Between a label and its value in plain text: « Mot de passe : », "Password: ". */
  labelSeparator: string;
  email(kind: NotificationKind, view: TemplateView): EmailContent;
  /** SMS candidates, richest first; the first that fits is sent. */
  sms(kind: NotificationKind, view: TemplateView): string[];
  calendar(kind: NotificationKind, view: TemplateView): CalendarContent;
}
