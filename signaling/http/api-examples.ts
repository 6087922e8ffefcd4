import type { AppointmentView } from '../protocol/index.js';

/*
 * Example bodies and answers for the API documentation. A unit test parses
 * each one with its route's schema (test/unit/api-catalog.test.ts), so an
 * example can't drift from what the server really accepts and answers.
 */

const ID = '6f1c2a1e-6b9e-4c44-9c51-0d7f3e6b2a10';

export const EXAMPLE_BOOKING = {
  startsAt: '2026-12-03T14:30:00+01:00',
  durationMinutes: 30,
  citizen: { displayName: 'Marie Dupont', email: 'marie.dupont@example.org', phone: '+33612345678' },
  channels: ['email', 'sms'],
  locale: 'fr',
  timeZone: 'Europe/Paris',
  note: 'Dossier CAF 2026-117',
  citizenReference: 'Dossier 2026-0042',
};

export const EXAMPLE_APPOINTMENT: AppointmentView = {
  id: ID,
  roomId: 'k7q-xm4-p2d',
  status: 'scheduled',
  startsAt: '2026-12-03T13:30:00.000Z',
  endsAt: '2026-12-03T14:00:00.000Z',
  durationMinutes: 30,
  timeZone: 'Europe/Paris',
  locale: 'fr',
  citizen: { displayName: 'Marie Dupont', email: 'marie.dupont@example.org', phone: '+33612345678' },
  channels: ['email', 'sms'],
  note: 'Dossier CAF 2026-117',
  citizenReference: 'Dossier 2026-0042',
  agent: { id: 'alice', name: 'Alice Martin' },
  links: {
    agent: 'https://visio.example.fr/r/k7q-xm4-p2d?t=h.AbC…',
    citizen: 'https://visio.example.fr/r/k7q-xm4-p2d?t=c.XyZ…',
  },
  password: 'soleil-carte-47',
  dialIn: { pin: '482913', number: '+33 1 23 45 67 89' },
  access: { citizenOpensAt: '2026-12-03T13:15:00.000Z', citizenClosesAt: '2026-12-03T14:30:00.000Z' },
  notifications: [
    {
      kind: 'invitation',
      channel: 'email',
      status: 'sent',
      dueAt: '2026-12-01T09:00:00.000Z',
      attempts: 1,
      sentAt: '2026-12-01T09:00:02.000Z',
      lastError: null,
    },
    {
      kind: 'invitation',
      channel: 'sms',
      status: 'failed',
      dueAt: '2026-12-01T09:00:00.000Z',
      attempts: 1,
      sentAt: null,
      lastError: 'gateway 400: invalid number',
    },
    {
      kind: 'reminder',
      channel: 'email',
      status: 'pending',
      dueAt: '2026-12-03T13:15:00.000Z',
      attempts: 0,
      sentAt: null,
      lastError: null,
    },
  ],
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
};

export const EXAMPLE_AUDIT = {
  events: [
    { at: '2026-12-01T09:00:00.000Z', type: 'booked', actor: 'agent', detail: { agentId: 'alice' } },
    {
      at: '2026-12-03T13:20:11.000Z',
      type: 'joined',
      actor: 'guest',
      detail: { peerId: 'p1', state: 'lobby' },
    },
    { at: '2026-12-03T13:21:40.000Z', type: 'admitted', actor: 'host', detail: { peerId: 'p1', by: 'p0' } },
  ],
};

export const EXAMPLE_OUTBOX = {
  messages: [
    {
      id: `${ID}:invitation:email:1`,
      appointmentId: ID,
      agentId: 'alice',
      channel: 'email',
      to: 'marie.dupont@example.org',
      subject: 'Votre rendez-vous vidéo du jeudi 3 décembre',
      text: 'Bonjour Marie Dupont, …',
      createdAt: '2026-12-01T09:00:00.000Z',
    },
  ],
};

export const EXAMPLE_SESSION = {
  agent: { id: 'alice', name: 'Alice Martin', role: 'agent' },
  via: 'local',
  csrfToken: 'Qm9uam91ciBsZSBtb25kZSwgY2VjaSBlc3QgdW4gdG9rZW4',
  expiresAt: '2026-12-03T18:00:00.000Z',
};

export const EXAMPLE_ROOM = {
  roomId: 'k7q-xm4-p2d',
  password: 'soleil-carte-47',
  joinUrl: 'https://visio.example.fr/r/k7q-xm4-p2d',
};

export const EXAMPLE_FEED = { active: true, url: 'https://visio.example.fr/agent/feed.ics?t=3q2-…-9Zk' };
