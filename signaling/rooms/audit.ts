import type { Logger } from 'pino';
import type { AuditEvent } from '../store/store.js';

/** Records a room event in an appointment's audit trail. */
export type AuditSink = (
  appointmentId: string,
  event: { type: string; actor: string; detail: Record<string, string> },
) => void;

/**
 * The audit sink rooms use: append to the appointment's trail in the store,
 * without holding up the room; a lost event is logged, never thrown.
 */
export function storeAuditSink(
  store: { appendAudit(event: AuditEvent): Promise<void> },
  clock: () => number,
  log: Logger,
): AuditSink {
  return (appointmentId, event) => {
    store
      .appendAudit({ appointmentId, at: clock(), type: event.type, actor: event.actor, detail: event.detail })
      .catch((error: unknown) => log.error({ err: error, appointmentId }, 'audit event lost'));
  };
}
