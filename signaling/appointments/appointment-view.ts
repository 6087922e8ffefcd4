import type { AppointmentView, NotificationView } from '../protocol/index.js';
import type { AppointmentRecord, NotificationJob } from '../store/store.js';
import { citizenWindow, endsAt, type AccessPolicy } from './access-window.js';

export interface ViewContext {
  access: AccessPolicy;
  dialInNumber: string | null;
  password: string;
  links: { agent: string; citizen: string };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function notificationView(job: NotificationJob): NotificationView {
  return {
    kind: job.kind,
    channel: job.channel,
    status: job.status,
    dueAt: iso(job.dueAt),
    attempts: job.attempts,
    sentAt: job.sentAt === null ? null : iso(job.sentAt),
    lastError: job.lastError,
  };
}

export function appointmentView(
  record: AppointmentRecord,
  jobs: NotificationJob[],
  context: ViewContext,
): AppointmentView {
  const window = citizenWindow(record, context.access);
  return {
    id: record.id,
    roomId: record.roomId,
    status: record.status,
    startsAt: iso(record.startsAt),
    endsAt: iso(endsAt(record)),
    durationMinutes: record.durationMinutes,
    timeZone: record.timeZone,
    locale: record.locale,
    citizen: { ...record.citizen },
    channels: [...record.channels],
    note: record.note,
    citizenReference: record.citizenReference,
    agent: { id: record.agentId, name: record.agentName },
    links: context.links,
    password: context.password,
    dialIn: { pin: record.pin, number: context.dialInNumber },
    access: { citizenOpensAt: iso(window.opensAt), citizenClosesAt: iso(window.closesAt) },
    notifications: [...jobs]
      .sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id))
      .map(notificationView),
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
  };
}
