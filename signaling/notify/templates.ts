import type { Locale, NotificationKind } from '../store/store.js';
import { defaultDialIn, dialInTelUri } from '../protocol/dial-in.js';
import { DeliveryError } from './delivery-error.js';
import { en } from './templates/en.js';
import { formatMinutes, formatStart, isValidTimeZone } from './templates/format.js';
import { fr } from './templates/fr.js';
import { fitSms } from './templates/gsm.js';
import { blocksToHtml, blocksToText } from './templates/layout.js';
import type { CalendarContent, LocaleCatalog, TemplateData, TemplateView } from './templates/types.js';

export type { TemplateData } from './templates/types.js';

const CATALOGS: Record<Locale, LocaleCatalog> = { fr, en };

export const DEFAULT_REMINDER_LEAD_MINUTES = 15;

/** Every wording of one notification in one language. */
export interface RenderedTemplate {
  subject: string;
  text: string;
  html: string;
  /** GSM alphabet, at most 320 septets unless the link alone is too long. */
  sms: string;
  calendar: CalendarContent;
}

/**
 * Renders a notification's texts. The data is checked at run time (it comes
 * from stored records): a bad value throws a permanent DeliveryError, since
 * no retry would render it.
 */
export function renderTemplate(kind: NotificationKind, locale: Locale, data: TemplateData): RenderedTemplate {
  checkTemplateData(data);
  const catalog = CATALOGS[locale];
  const view = toView(data, locale);
  const email = catalog.email(kind, view);
  return {
    subject: email.subject,
    text: blocksToText(email.blocks, catalog.labelSeparator),
    html: blocksToHtml(email.blocks, email.subject, locale),
    sms: fitSms(catalog.sms(kind, view)),
    calendar: catalog.calendar(kind, view),
  };
}

function toView(data: TemplateData, locale: Locale): TemplateView {
  const start = formatStart(data.startsAt, data.timeZone, locale);
  const service = oneLine(data.serviceName);
  return {
    citizenName: oneLine(data.citizenName),
    agentName: oneLine(data.agentName),
    serviceName: service.length > 0 ? service : null,
    ...start,
    duration: formatMinutes(data.durationMinutes),
    timeZone: data.timeZone,
    link: data.link,
    password: data.password,
    pin: data.pin,
    ...phoneViews(data, locale),
    leadMinutes: formatMinutes(data.reminderLeadMinutes ?? DEFAULT_REMINDER_LEAD_MINUTES),
  };
}

function phoneViews(data: TemplateData, locale: Locale): Pick<TemplateView, 'phone' | 'otherNumbers'> {
  const main = defaultDialIn(data.dialInNumbers);
  const tel = main ? dialInTelUri(main.number, data.pin) : null;
  if (!main || !tel) return { phone: null, otherNumbers: [] };
  const regions = new Intl.DisplayNames([locale], { type: 'region' });
  return {
    phone: { number: oneLine(main.number), tel, tollFree: main.tollFree },
    otherNumbers: data.dialInNumbers
      .filter((n) => n !== main)
      .map(
        (n) => `${regions.of(n.country) ?? n.country}${locale === 'fr' ? ' : ' : ': '}${oneLine(n.number)}`,
      ),
  };
}

/** Names are user input: a line break in one must not start a new line of an SMS or a header. */
function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

function checkTemplateData(data: TemplateData): void {
  const invalid = (field: string): never => {
    throw new DeliveryError(true, `cannot render the message: invalid ${field}`);
  };
  if (!(data.startsAt instanceof Date) || Number.isNaN(data.startsAt.getTime())) invalid('start time');
  if (!Number.isInteger(data.durationMinutes) || data.durationMinutes <= 0) invalid('duration');
  if (typeof data.timeZone !== 'string' || !isValidTimeZone(data.timeZone)) invalid('time zone');
  if (!isHttpUrl(data.link)) invalid('link');
  if (/[\r\n]/.test(data.password) || /[\r\n]/.test(data.pin)) invalid('password or PIN');
  if (!Array.isArray(data.dialInNumbers)) invalid('dial-in numbers');
  const lead = data.reminderLeadMinutes;
  if (lead !== undefined && (!Number.isInteger(lead) || lead <= 0)) invalid('reminder lead time');
}

function isHttpUrl(link: string): boolean {
  if (typeof link !== 'string' || /\s/.test(link)) return false;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
