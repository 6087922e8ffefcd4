import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APPOINTMENT_STATUSES,
  AppointmentState,
  canMove,
  isOver,
  statusAt,
} from '../../signaling/appointments/appointment-state.js';
import { SqliteStore } from '../../signaling/store/sqlite-store.js';
import { HOUR, MIN, T0, appointment } from '../helpers/store-fixtures.js';

const access = { opensMinutesBefore: 15, graceMinutesAfter: 30 };

describe('appointment state machine', () => {
  it('only moves forward, and nothing leaves ended, cancelled or no_show', () => {
    expect(canMove('scheduled', 'open')).toBe(true);
    expect(canMove('open', 'in_progress')).toBe(true);
    expect(canMove('in_progress', 'ended')).toBe(true);
    expect(canMove('in_progress', 'cancelled')).toBe(true);
    expect(canMove('in_progress', 'open')).toBe(false);
    expect(canMove('in_progress', 'no_show')).toBe(false);
    for (const final of ['ended', 'cancelled', 'no_show'] as const) {
      for (const to of APPOINTMENT_STATUSES) expect(canMove(final, to), `${final} → ${to}`).toBe(false);
    }
    expect(APPOINTMENT_STATUSES.filter(isOver)).toEqual(['ended', 'no_show']);
  });

  it('is a no-show once the citizen window closed with nobody admitted', () => {
    const record = appointment({ startsAt: T0, durationMinutes: 30 });
    const closes = T0 + 30 * MIN + 30 * MIN;
    expect(statusAt(record, access, closes - 1)).toBe('scheduled');
    expect(statusAt(record, access, closes)).toBe('no_show');
    expect(statusAt({ ...record, status: 'open' }, access, closes)).toBe('no_show');
    expect(statusAt({ ...record, status: 'in_progress' }, access, closes + HOUR)).toBe('in_progress');
  });
});

describe('AppointmentState', () => {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('records each move in the store and the audit trail, ignoring moves backwards', async () => {
    const store = SqliteStore.open(':memory:');
    stores.push(store);
    const record = appointment();
    await store.insertAppointment(record);
    const state = new AppointmentState({ store, access, clock: () => T0, log: pino({ level: 'silent' }) });
    expect((await state.move(record.id, 'open', 'system'))?.status).toBe('open');
    expect((await state.move(record.id, 'in_progress', 'system'))?.status).toBe('in_progress');
    // A late "someone entered" changes nothing.
    expect((await state.move(record.id, 'open', 'system'))?.status).toBe('in_progress');
    expect((await state.move(record.id, 'ended', 'system'))?.status).toBe('ended');
    expect((await store.getAppointment(record.id))?.version).toBe(4);
    expect((await store.listAudit(record.id)).map((e) => `${e.detail['from']}→${e.detail['to']}`)).toEqual([
      'scheduled→open',
      'open→in_progress',
      'in_progress→ended',
    ]);
  });

  it('settles a no-show into the store when it is read after the window', async () => {
    const store = SqliteStore.open(':memory:');
    stores.push(store);
    const record = appointment();
    await store.insertAppointment(record);
    const state = new AppointmentState({
      store,
      access,
      clock: () => T0 + 2 * HOUR,
      log: pino({ level: 'silent' }),
    });
    expect((await state.settle(record)).status).toBe('no_show');
    expect((await store.getAppointment(record.id))?.status).toBe('no_show');
  });
});
