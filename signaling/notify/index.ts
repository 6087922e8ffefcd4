export { DeliveryError, scrubReason } from './delivery-error.js';
export { buildIcs, calendarUid, type CalendarEvent } from './ics.js';
export type { MessageAttachment, MessageSender, OutgoingMessage, SendContext } from './message.js';
export { OutboxSender, type OutboxSenderOptions } from './outbox-sender.js';
export { CALENDAR_FILENAME, renderNotification, type NotificationData } from './render.js';
export { createSenders, type SenderSettings, type Senders } from './senders.js';
export { HttpGatewaySmsProvider, type HttpGatewayOptions } from './sms-http-gateway.js';
export { SmsSender, type Sms, type SmsProvider, type SmsSenderOptions } from './sms-sender.js';
export { SmtpSender, type SmtpSenderOptions } from './smtp-sender.js';
export {
  DEFAULT_REMINDER_LEAD_MINUTES,
  renderTemplate,
  type RenderedTemplate,
  type TemplateData,
} from './templates.js';
