import type { Logger } from 'pino';
import type { AppointmentLinks } from '../signaling/appointments/links.js';
import type { ComposeMessage } from '../signaling/appointments/scheduler.js';
import type { SecretBox } from '../signaling/appointments/sealed-secret.js';
import { createSenders, renderNotification, type Senders } from '../signaling/notify/index.js';
import type { Store } from '../signaling/store/store.js';
import type { Config } from './config.js';

/**
 * The configured senders (SMTP / SMS gateway, or the outbox) for this process.
 * Outbox texts carry the room password and the join link: they are kept
 * sealed (SECRET_KEY), and opened only for the agent who reads them.
 */
export function createNotificationSenders(
  config: Config,
  store: Store,
  secrets: SecretBox,
  log: Logger,
): Senders {
  const { smtpUrl, smtpFrom, smsGatewayUrl, smsGatewayToken } = config.notify;
  return createSenders({
    smtp: smtpUrl ? { url: smtpUrl, from: smtpFrom } : null,
    sms: smsGatewayUrl ? { url: smsGatewayUrl, token: smsGatewayToken ?? null } : null,
    saveToOutbox: (message) => store.addOutbox({ ...message, text: secrets.seal(message.text) }),
    log: log.child({ component: 'notify' }),
  });
}

/**
 * Renders a job from the appointment as it is at send time: a reminder after
 * a reschedule shows the new time, and an erased contact sends nothing.
 */
export function messageComposer(config: Config, links: AppointmentLinks, secrets: SecretBox): ComposeMessage {
  return (job, appointment) => {
    const to = job.channel === 'email' ? appointment.citizen.email : appointment.citizen.phone;
    if (!to) return null;
    return renderNotification(job.kind, job.channel, appointment.locale, {
      to,
      appointmentId: appointment.id,
      generation: job.generation,
      citizenName: appointment.citizen.displayName,
      agentName: appointment.agentName,
      serviceName: config.serviceName,
      startsAt: new Date(appointment.startsAt),
      durationMinutes: appointment.durationMinutes,
      timeZone: appointment.timeZone,
      link: links.citizen(appointment),
      password: secrets.open(appointment.passwordSealed),
      pin: appointment.pin,
      dialInNumbers: config.notify.dialInNumbers,
      reminderLeadMinutes: config.notify.reminderLeadMinutes,
    });
  };
}
