import type { Agent } from '../auth/agent-auth.js';
import { AppError } from '../errors.js';
import type { AppointmentRecord, Store } from '../store/store.js';
import { jobId } from './notification-plan.js';

/**
 * « Renvoyer l'invitation »: a new invitation job on each channel, due now.
 * Jobs are identified by the appointment version that planned them, so the
 * resend bumps the version (the record is otherwise unchanged) and plans
 * under it: a second click is a second message, never a lost one.
 */
export async function resendInvitation(
  store: Store,
  agent: Agent,
  current: AppointmentRecord,
  now: number,
): Promise<number> {
  if (current.status === 'cancelled') throw new AppError('ACCESS_CLOSED', 'this appointment was cancelled');
  if (current.startsAt + current.durationMinutes * 60_000 <= now) {
    throw new AppError('ACCESS_CLOSED', 'this appointment is over');
  }
  const next: AppointmentRecord = { ...current, version: current.version + 1, updatedAt: now };
  if (!(await store.updateAppointment(next, current.version))) {
    throw new AppError('VALIDATION_FAILED', 'the appointment changed meanwhile; read it again and retry');
  }
  let created = 0;
  for (const channel of next.channels) {
    const made = await store.createJob({
      id: jobId(next.id, 'invitation', channel, next.version),
      appointmentId: next.id,
      kind: 'invitation',
      channel,
      generation: next.version,
      status: 'pending',
      dueAt: now,
      nextAttemptAt: now,
      attempts: 0,
      lastError: null,
      handedAt: null,
      sentAt: null,
      leaseOwner: null,
      leaseUntil: 0,
      createdAt: now,
    });
    if (made) created += 1;
  }
  await store.appendAudit({
    appointmentId: next.id,
    at: now,
    type: 'invitation-resent',
    actor: 'agent',
    detail: { agentId: agent.id, channels: next.channels.join(',') },
  });
  return created;
}
