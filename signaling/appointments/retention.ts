import type { Store } from '../store/store.js';

const DAY = 24 * 60 * 60_000;

/**
 * Erases the citizen's personal data RETENTION_DAYS after their appointment
 * ended: name, email, phone, the agent's note and the reference shown to the
 * citizen (either may name her) in the appointment, and the
 * recipients and texts of its outbox messages. The audit trail stays: it
 * never held personal data.
 */
export async function eraseExpiredPersonalData(
  store: Store,
  retentionDays: number,
  now: number,
): Promise<number> {
  let erased = 0;
  for (;;) {
    const batch = await store.listEndedWithPersonalData(now - retentionDays * DAY, 100);
    if (batch.length === 0) return erased;
    for (const record of batch) {
      const next = {
        ...record,
        citizen: { displayName: '', email: null, phone: null },
        note: null,
        citizenReference: null,
        personalDataErasedAt: now,
        version: record.version + 1,
        updatedAt: now,
      };
      // A concurrent change (another node erasing) just means it is someone else's turn.
      if (!(await store.updateAppointment(next, record.version))) continue;
      await store.eraseOutboxPersonalData(record.id);
      await store.appendAudit({
        appointmentId: record.id,
        at: now,
        type: 'personal-data-erased',
        actor: 'system',
        detail: { retentionDays },
      });
      erased += 1;
    }
    if (batch.length < 100) return erased;
  }
}
