/*
 * When each role may enter an appointment's room. Pure functions of the
 * appointment and the clock, so the rules are tested without waiting.
 */

export interface AccessPolicy {
  /** The citizen may enter this many minutes before the start (default 15). */
  opensMinutesBefore: number;
  /** ...until this many minutes after the end (default 30). */
  graceMinutesAfter: number;
}

export interface Timing {
  startsAt: number;
  durationMinutes: number;
  timeZone: string;
}

const MINUTE = 60_000;

export function endsAt(timing: Timing): number {
  return timing.startsAt + timing.durationMinutes * MINUTE;
}

export function citizenWindow(timing: Timing, policy: AccessPolicy): { opensAt: number; closesAt: number } {
  return {
    opensAt: timing.startsAt - policy.opensMinutesBefore * MINUTE,
    closesAt: endsAt(timing) + policy.graceMinutesAfter * MINUTE,
  };
}

export type CitizenAccess = 'early' | 'open' | 'closed';

export function citizenAccess(timing: Timing, policy: AccessPolicy, now: number): CitizenAccess {
  const { opensAt, closesAt } = citizenWindow(timing, policy);
  if (now < opensAt) return 'early';
  if (now >= closesAt) return 'closed';
  return 'open';
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: number, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/**
 * The agent may enter any time on the appointment's day (in its time zone),
 * and also during the citizen's window when that spills over midnight.
 */
export function agentMayEnter(timing: Timing, policy: AccessPolicy, now: number): boolean {
  if (localDate(now, timing.timeZone) === localDate(timing.startsAt, timing.timeZone)) return true;
  return citizenAccess(timing, policy, now) === 'open';
}

const HOUR = 60 * MINUTE;

/** The zone's wall-clock time of day of an instant, in milliseconds since its midnight. */
function sinceLocalMidnight(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? '0');
  return ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + (instant % 1000);
}

/**
 * The instant the instant's calendar day starts in the zone: when the
 * agent's link opens. On a day the clocks change, the offset at midnight
 * differs from the offset at the instant by an hour; one correction step
 * lands on the real midnight.
 */
export function localDayStart(instant: number, timeZone: string): number {
  const guess = instant - sinceLocalMidnight(instant, timeZone);
  const off = sinceLocalMidnight(guess, timeZone);
  if (off === 0) return guess;
  // 23:00 the day before: midnight is an hour later; 01:00: an hour earlier.
  return off >= 12 * HOUR ? guess + (24 * HOUR - off) : guess - off;
}
