import type { JoinTokens } from '../auth/join-token.js';
import type { AppointmentRecord } from '../store/store.js';
import { citizenWindow, type AccessPolicy } from './access-window.js';

const DAY = 24 * 60 * 60_000;

/**
 * The one-click links. Tokens are derived from the appointment's times
 * (no issue timestamp), so the same appointment always yields the same link
 * and a reschedule yields a new one.
 */
export class AppointmentLinks {
  constructor(
    private readonly tokens: JoinTokens,
    private readonly access: AccessPolicy,
    private readonly publicUrl: () => string,
  ) {}

  citizen(record: AppointmentRecord): string {
    const { opensAt, closesAt } = citizenWindow(record, this.access);
    const token = this.tokens.mint('citizen', record.id, record.roomId, opensAt, closesAt);
    return `${this.publicUrl()}/r/${record.roomId}?t=${token}`;
  }

  /** The agent's link works from the day before (the day check is the join policy's) to the citizen's close. */
  agent(record: AppointmentRecord): string {
    const { closesAt } = citizenWindow(record, this.access);
    const token = this.tokens.mint('host', record.id, record.roomId, record.startsAt - DAY, closesAt);
    return `${this.publicUrl()}/r/${record.roomId}?t=${token}`;
  }
}
