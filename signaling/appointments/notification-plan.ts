import type { AppointmentRecord, Channel, NotificationJob, NotificationKind } from '../store/store.js';

/*
 * Which messages an appointment needs, as jobs with deterministic ids: the
 * same plan made twice (two nodes, a retry after a crash) creates each job
 * once. `generation` is the appointment version that scheduled it.
 */

export function jobId(
  appointmentId: string,
  kind: NotificationKind,
  channel: Channel,
  generation: number,
): string {
  return `${appointmentId}:${kind}:${channel}:${generation}`;
}

function job(
  appointment: AppointmentRecord,
  kind: NotificationKind,
  channel: Channel,
  dueAt: number,
  now: number,
): NotificationJob {
  return {
    id: jobId(appointment.id, kind, channel, appointment.version),
    appointmentId: appointment.id,
    kind,
    channel,
    generation: appointment.version,
    status: 'pending',
    dueAt,
    nextAttemptAt: dueAt,
    attempts: 0,
    lastError: null,
    sentAt: null,
    handedAt: null,
    leaseOwner: null,
    leaseUntil: 0,
    createdAt: now,
  };
}

/**
 * A notice now (invitation, or rescheduled) on each channel, and a reminder
 * `leadMinutes` before the start. A reminder that would already be due is
 * recorded as skipped: the notice sent now carries the same link.
 */
export function planNotices(
  appointment: AppointmentRecord,
  notice: 'invitation' | 'rescheduled',
  leadMinutes: number,
  now: number,
): NotificationJob[] {
  const jobs: NotificationJob[] = [];
  const reminderAt = appointment.startsAt - leadMinutes * 60_000;
  for (const channel of appointment.channels) {
    jobs.push(job(appointment, notice, channel, now, now));
    const reminder = job(appointment, 'reminder', channel, reminderAt, now);
    if (reminderAt <= now) {
      reminder.status = 'skipped';
      reminder.lastError = `booked less than ${leadMinutes} minutes before the start`;
    }
    jobs.push(reminder);
  }
  return jobs;
}

export function planCancellation(appointment: AppointmentRecord, now: number): NotificationJob[] {
  return appointment.channels.map((channel) => job(appointment, 'cancelled', channel, now, now));
}
