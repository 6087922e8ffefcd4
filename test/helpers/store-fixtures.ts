import { RoomIdSchema, type RoomId } from '../../signaling/protocol/index.js';
import type { RoomRecord } from '../../signaling/store/room-store.js';
import type {
  AppointmentRecord,
  JobOutcome,
  NotificationJob,
  OutboxMessage,
} from '../../signaling/store/store.js';

/** Records for the store contract tests: valid by default, each field overridable. */

export const T0 = Date.UTC(2030, 0, 7, 9, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
let seq = 0;
/** A fresh id per record, zero-padded so ids sort in creation order. */
export const nextId = (kind: string): string => `${kind}-${String((seq += 1)).padStart(4, '0')}`;
export const roomId = (): RoomId => RoomIdSchema.parse(nextId('room'));

export function room(over: Partial<RoomRecord> = {}): RoomRecord {
  const createdAt = new Date(T0).toISOString();
  return { id: roomId(), passwordDigest: 'digest', title: null, createdBy: 'agent-a', createdAt, ...over };
}

export function appointment(over: Partial<AppointmentRecord> = {}): AppointmentRecord {
  return {
    id: nextId('appt'),
    roomId: roomId(),
    agentId: 'agent-a',
    agentName: 'Agent A',
    startsAt: T0,
    durationMinutes: 30,
    timeZone: 'Europe/Paris',
    locale: 'fr',
    citizen: { displayName: 'Camille', email: 'camille@example.org', phone: '+33600000000' },
    channels: ['email', 'sms'],
    note: null,
    citizenReference: null,
    status: 'scheduled',
    pin: '123456',
    passwordSealed: 'sealed',
    createdAt: T0 - HOUR,
    updatedAt: T0 - HOUR,
    personalDataErasedAt: null,
    version: 1,
    ...over,
  };
}

export function job(over: Partial<NotificationJob> = {}): NotificationJob {
  return {
    id: nextId('job'),
    appointmentId: 'appt-x',
    kind: 'reminder',
    channel: 'email',
    generation: 0,
    status: 'pending',
    dueAt: T0,
    nextAttemptAt: T0,
    attempts: 0,
    lastError: null,
    sentAt: null,
    handedAt: null,
    leaseOwner: null,
    leaseUntil: 0,
    createdAt: T0 - MIN,
    ...over,
  };
}

export function outbox(over: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: nextId('msg'),
    appointmentId: 'appt-x',
    agentId: 'agent-a',
    channel: 'email',
    to: 'camille@example.org',
    subject: 'RDV',
    text: 'Bonjour',
    createdAt: T0,
    ...over,
  };
}

export const sent = (sentAt: number): JobOutcome => ({ status: 'sent', sentAt });
export const retry = (nextAttemptAt: number, lastError: string): JobOutcome => ({
  status: 'pending',
  nextAttemptAt,
  lastError,
});
export const ids = (records: { id: string }[]): string[] => records.map((r) => r.id);
