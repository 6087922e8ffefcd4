import { describe, expect, it } from 'vitest';
import {
  agentMayEnter,
  citizenAccess,
  citizenWindow,
  localDate,
  localDayStart,
} from '../../signaling/appointments/access-window.js';

const policy = { opensMinutesBefore: 15, graceMinutesAfter: 30 };
// 14:30 in Paris (winter, UTC+1), for 30 minutes.
const timing = {
  startsAt: Date.parse('2026-12-03T13:30:00Z'),
  durationMinutes: 30,
  timeZone: 'Europe/Paris',
};
const at = (iso: string) => Date.parse(iso);

describe('access window', () => {
  it('opens 15 minutes before and closes 30 minutes after the end', () => {
    const { opensAt, closesAt } = citizenWindow(timing, policy);
    expect(new Date(opensAt).toISOString()).toBe('2026-12-03T13:15:00.000Z');
    expect(new Date(closesAt).toISOString()).toBe('2026-12-03T14:30:00.000Z');
  });

  it.each([
    ['2026-12-03T13:14:59Z', 'early'],
    ['2026-12-03T13:15:00Z', 'open'],
    ['2026-12-03T14:29:59Z', 'open'],
    ['2026-12-03T14:30:00Z', 'closed'],
  ])('at %s the citizen is %s', (now, expected) => {
    expect(citizenAccess(timing, policy, at(now))).toBe(expected);
  });

  it('lets the agent in all day, in the appointment time zone', () => {
    // 00:30 in Paris on the 3rd is still the 2nd in UTC.
    expect(agentMayEnter(timing, policy, at('2026-12-02T23:30:00Z'))).toBe(true);
    expect(agentMayEnter(timing, policy, at('2026-12-02T22:59:00Z'))).toBe(false);
    expect(agentMayEnter(timing, policy, at('2026-12-03T22:59:00Z'))).toBe(true);
    expect(agentMayEnter(timing, policy, at('2026-12-03T23:00:00Z'))).toBe(false);
  });

  it('lets the agent in after midnight while the citizen window is still open', () => {
    const late = {
      startsAt: Date.parse('2026-12-03T22:40:00Z'),
      durationMinutes: 60,
      timeZone: 'Europe/Paris',
    };
    expect(agentMayEnter(late, policy, at('2026-12-04T00:05:00Z'))).toBe(true);
    expect(agentMayEnter(late, policy, at('2026-12-04T00:10:00Z'))).toBe(false);
  });

  it('formats local dates', () => {
    expect(localDate(at('2026-12-02T23:30:00Z'), 'Europe/Paris')).toBe('2026-12-03');
    expect(localDate(at('2026-12-02T23:30:00Z'), 'UTC')).toBe('2026-12-02');
  });
});

describe('localDayStart', () => {
  it('is the local midnight of the day, also on the days the clocks change', () => {
    const iso = (instant: number): string => new Date(instant).toISOString();
    expect(iso(localDayStart(timing.startsAt, 'Europe/Paris'))).toBe('2026-12-02T23:00:00.000Z');
    // Summer time (UTC+2).
    expect(iso(localDayStart(at('2026-07-01T12:00:00Z'), 'Europe/Paris'))).toBe('2026-06-30T22:00:00.000Z');
    // 29 March 2026: midnight is still UTC+1, noon is UTC+2.
    expect(iso(localDayStart(at('2026-03-29T10:00:00Z'), 'Europe/Paris'))).toBe('2026-03-28T23:00:00.000Z');
    // 25 October 2026: midnight is UTC+2, noon UTC+1.
    expect(iso(localDayStart(at('2026-10-25T11:00:00Z'), 'Europe/Paris'))).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(localDayStart(at('2026-12-03T13:30:00Z'), 'America/Cayenne'))).toBe(
      '2026-12-03T03:00:00.000Z',
    );
  });
});
