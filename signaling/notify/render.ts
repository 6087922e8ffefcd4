import type { Channel, Locale, NotificationKind } from '../store/store.js';
import { DeliveryError } from './delivery-error.js';
import { buildIcs, calendarUid } from './ics.js';
import type { MessageAttachment, OutgoingMessage } from './message.js';
import { renderTemplate, type RenderedTemplate, type TemplateData } from './templates.js';

export const CALENDAR_FILENAME = 'rendez-vous.ics';

/** The template data plus what addressing and the calendar file need. */
export interface NotificationData extends TemplateData {
  /** An email address or a phone number, by channel. */
  to: string;
  appointmentId: string;
  /** The job's generation (bumped by each reschedule): the calendar SEQUENCE. */
  generation: number;
  /** Host part of the calendar UID; defaults to the link's host. */
  calendarHost?: string;
  /** The calendar event's ORGANIZER, usually the From address. */
  organizer?: { name: string; email: string } | null;
  /** The calendar DTSTAMP; defaults to now. */
  now?: Date;
}

/** One notification, rendered for its channel: an email with its .ics, or an SMS. */
export function renderNotification(
  kind: NotificationKind,
  channel: Channel,
  locale: Locale,
  data: NotificationData,
): OutgoingMessage {
  if (!Number.isInteger(data.generation) || data.generation < 0) {
    throw new DeliveryError(true, 'cannot render the message: invalid generation');
  }
  const rendered = renderTemplate(kind, locale, data);
  if (channel === 'sms') {
    return { channel, to: data.to, subject: null, text: rendered.sms, html: null, attachments: [] };
  }
  const attachments = kind === 'reminder' ? [] : [calendarAttachment(kind, data, rendered)];
  return {
    channel,
    to: data.to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    attachments,
  };
}

function calendarAttachment(
  kind: NotificationKind,
  data: NotificationData,
  rendered: RenderedTemplate,
): MessageAttachment {
  const method = kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const content = buildIcs({
    method,
    uid: calendarUid(data.appointmentId, data.calendarHost ?? new URL(data.link).hostname),
    // A CANCEL must not look older than the last REQUEST; one above it makes every client apply it.
    sequence: method === 'CANCEL' ? data.generation + 1 : data.generation,
    startsAt: data.startsAt,
    durationMinutes: data.durationMinutes,
    stamp: data.now ?? new Date(),
    summary: rendered.calendar.summary,
    description: rendered.calendar.description,
    url: method === 'CANCEL' ? null : data.link,
    organizer: data.organizer ?? null,
  });
  return {
    filename: CALENDAR_FILENAME,
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content,
  };
}
