import { describe, expect, it } from 'vitest';
import type { AgendaItem } from '../../../signaling/protocol/console.js';
import { dayKey, groupByDay, knocking, loadByAgent, waitedMinutes } from './agenda.js';

function item(id: string, startsAt: string, extra: Partial<AgendaItem> = {}): AgendaItem {
  return {
    id,
    roomId: `room-${id}`,
    status: 'scheduled',
    startsAt,
    endsAt: startsAt,
    durationMinutes: 30,
    timeZone: 'Europe/Paris',
    locale: 'fr',
    citizen: { displayName: `Citizen ${id}`, email: null, phone: null },
    channels: ['email'],
    note: null,
    citizenReference: null,
    agent: { id: 'alice', name: 'Alice' },
    links: { agent: '', citizen: '' },
    password: '',
    dialIn: { pin: '123456', number: null },
    access: { citizenOpensAt: startsAt, citizenClosesAt: startsAt },
    notifications: [],
    createdAt: startsAt,
    updatedAt: startsAt,
    waitingSince: null,
    ...extra,
  };
}

describe('the agent day', () => {
  it("groups by the agent's local day, not UTC", () => {
    // 23:30 UTC on the 3rd is already the 4th in Paris.
    const items = [item('b', '2026-12-03T23:30:00Z'), item('a', '2026-12-03T08:00:00Z')];
    expect(groupByDay(items, 'Europe/Paris').map((g) => [g.key, g.items.map((i) => i.id)])).toEqual([
      ['2026-12-03', ['a']],
      ['2026-12-04', ['b']],
    ]);
    expect(groupByDay(items, 'UTC').map((g) => g.key)).toEqual(['2026-12-03']);
    expect(dayKey(new Date('2026-12-03T23:30:00Z'), 'America/New_York')).toBe('2026-12-03');
  });

  it('lists who knocks, longest wait first, with whole minutes', () => {
    const items = [
      item('a', '2026-12-03T08:00:00Z', { waitingSince: '2026-12-03T08:05:00Z' }),
      item('b', '2026-12-03T08:00:00Z'),
      item('c', '2026-12-03T08:00:00Z', { waitingSince: '2026-12-03T08:01:00Z' }),
    ];
    expect(knocking(items).map((i) => i.id)).toEqual(['c', 'a']);
    expect(waitedMinutes('2026-12-03T08:01:00Z', Date.parse('2026-12-03T08:03:59Z'))).toBe(2);
  });

  it("counts today's load per agent without the cancelled ones", () => {
    const bob = { agent: { id: 'bob', name: 'Bob' } };
    const items = [
      item('a', '2026-12-03T08:00:00Z'),
      item('b', '2026-12-03T09:00:00Z', bob),
      item('c', '2026-12-03T10:00:00Z', bob),
      item('d', '2026-12-03T11:00:00Z', { ...bob, status: 'cancelled' }),
      item('e', '2026-12-04T11:00:00Z'),
    ];
    expect(loadByAgent(items, '2026-12-03', 'Europe/Paris')).toEqual([
      ['Bob', 2],
      ['Alice', 1],
    ]);
  });
});
