import type { AgendaItem } from '../../../signaling/protocol/console.js';

/*
 * The agent's day, as pure functions of the appointments, the clock and the
 * agent's time zone (the browser's): grouped by local day, the knock line,
 * and each appointment's load per agent for admins.
 */

export interface DayGroup {
  /** YYYY-MM-DD in the time zone. */
  key: string;
  items: AgendaItem[];
}

/** YYYY-MM-DD of an instant in a time zone (en-CA formats dates that way). */
export function dayKey(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

export function groupByDay(items: readonly AgendaItem[], timeZone: string): DayGroup[] {
  const groups = new Map<string, AgendaItem[]>();
  for (const item of [...items].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
    const key = dayKey(new Date(item.startsAt), timeZone);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return [...groups].map(([key, list]) => ({ key, items: list }));
}

/** Whole minutes someone has been waiting (0 under a minute). */
export function waitedMinutes(since: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
}

/** Those knocking now, longest wait first. */
export function knocking(items: readonly AgendaItem[]): (AgendaItem & { waitingSince: string })[] {
  return items
    .filter((item): item is AgendaItem & { waitingSince: string } => item.waitingSince !== null)
    .sort((a, b) => Date.parse(a.waitingSince) - Date.parse(b.waitingSince));
}

/** Today's appointments per agent (admins), busiest first; cancelled ones not counted. */
export function loadByAgent(
  items: readonly AgendaItem[],
  today: string,
  timeZone: string,
): [string, number][] {
  const load = new Map<string, number>();
  for (const item of items) {
    if (item.status === 'cancelled' || dayKey(new Date(item.startsAt), timeZone) !== today) continue;
    load.set(item.agent.name, (load.get(item.agent.name) ?? 0) + 1);
  }
  return [...load].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Local date and time inputs (YYYY-MM-DD, HH:MM) → an ISO instant; null if they name no real time. */
export function localInstant(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const instant = new Date(`${date}T${time}`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}
