import type { Logger } from 'pino';
import type { AppointmentProgress } from '../rooms/appointment-progress.js';
import type { AppointmentRecord, AppointmentStatus, Store } from '../store/store.js';
import { citizenWindow, type AccessPolicy } from './access-window.js';

/*
 * An appointment's life:
 *
 *   scheduled ──someone entered──▶ open ──a guest admitted──▶ in_progress ──end for all──▶ ended
 *       │                            │
 *       └──── the citizen's window closed with nobody admitted ────────────────▶ no_show
 *   scheduled | open | in_progress ──cancel──▶ cancelled
 *
 * Only forward moves: a late "open" never takes an appointment back from
 * in_progress, and nothing leaves ended, cancelled or no_show.
 */

export const APPOINTMENT_STATUSES = [
  'scheduled',
  'open',
  'in_progress',
  'ended',
  'cancelled',
  'no_show',
] as const;

const NEXT: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  scheduled: ['open', 'in_progress', 'ended', 'cancelled', 'no_show'],
  open: ['in_progress', 'ended', 'cancelled', 'no_show'],
  in_progress: ['ended', 'cancelled'],
  ended: [],
  cancelled: [],
  no_show: [],
};

export function canMove(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return NEXT[from].includes(to);
}

/** Over: the link shows « Ce rendez-vous est terminé » and opens no knock. */
export function isOver(status: AppointmentStatus): boolean {
  return status === 'ended' || status === 'no_show';
}

/** The status as of `now`: a window that closed with nobody admitted is a no-show. */
export function statusAt(record: AppointmentRecord, access: AccessPolicy, now: number): AppointmentStatus {
  const { status } = record;
  if ((status === 'scheduled' || status === 'open') && now >= citizenWindow(record, access).closesAt) {
    return 'no_show';
  }
  return status;
}

export interface AppointmentStateDeps {
  store: Store;
  access: AccessPolicy;
  clock: () => number;
  log: Logger;
}

/**
 * Moves appointments forward as their rooms report progress, in the store
 * (optimistic concurrency, retried on a conflict) and in the audit trail.
 */
export class AppointmentState implements AppointmentProgress {
  readonly #deps: AppointmentStateDeps;

  constructor(deps: AppointmentStateDeps) {
    this.#deps = deps;
  }

  opened(appointmentId: string): void {
    void this.#move(appointmentId, 'open', 'system');
  }

  inProgress(appointmentId: string): void {
    void this.#move(appointmentId, 'in_progress', 'system');
  }

  ended(appointmentId: string): void {
    void this.#move(appointmentId, 'ended', 'system');
  }

  /** Records the status as of now (a no-show found on reading); returns the record as it is after. */
  async settle(record: AppointmentRecord): Promise<AppointmentRecord> {
    const status = statusAt(record, this.#deps.access, this.#deps.clock());
    if (status === record.status) return record;
    return (await this.move(record.id, status, 'system')) ?? record;
  }

  /** Moves to `to` if allowed from the stored status; null if the appointment is gone or may not move. */
  async move(id: string, to: AppointmentStatus, actor: string): Promise<AppointmentRecord | null> {
    const { store, clock } = this.#deps;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await store.getAppointment(id);
      if (!current || !canMove(current.status, to)) return current;
      const now = clock();
      const next: AppointmentRecord = {
        ...current,
        status: to,
        version: current.version + 1,
        updatedAt: now,
      };
      if (await store.updateAppointment(next, current.version)) {
        await store.appendAudit({
          appointmentId: id,
          at: now,
          type: 'status',
          actor,
          detail: { from: current.status, to },
        });
        return next;
      }
    }
    this.#deps.log.warn({ appointmentId: id, to }, 'appointment status not moved: it kept changing');
    return null;
  }

  async #move(id: string, to: AppointmentStatus, actor: string): Promise<void> {
    try {
      await this.move(id, to, actor);
    } catch (error) {
      this.#deps.log.error({ err: error, appointmentId: id, to }, 'appointment status not recorded');
    }
  }
}
