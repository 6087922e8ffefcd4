import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSender } from '../../signaling/notify/smtp-sender.js';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { MailSink } from '../helpers/mail-sink.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * A node killed after the SMTP relay accepted a reminder but before the job
 * was recorded. The dead node's steps are replayed exactly (claim the job,
 * record the hand-over, send through a real SMTP connection, then nothing),
 * and the live server takes over once the lease runs out:
 * - still in time: it resends, with the same Message-ID (recognisable);
 * - too late (the appointment started): the job says "sent", not "skipped".
 */

const FROM = 'Mairie <rdv@mairie.example.fr>';
const LEASE_MS = 120_000;
const MIN = 60_000;

describe('a node killed mid-send (real SMTP server)', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let mail: MailSink;
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let deadNode: SmtpSender;

  beforeAll(async () => {
    mail = await MailSink.start();
    server = await startTestServer(
      { SMTP_URL: mail.url, SMTP_FROM: FROM, REMINDER_LEAD_MINUTES: '15' },
      { clock: clock.now, runScheduler: false },
    );
    api = apiClient(server.baseUrl, server.agentToken('agent-kill'));
    deadNode = SmtpSender.create({ url: mail.url, from: FROM, log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await deadNode?.close();
    await server?.close();
    await mail?.close();
  });

  /** Books, sends the invitation, and has the "dead node" deliver the reminder without recording it. */
  const reminderHandedThenKilled = async (startsInMinutes: number) => {
    const view = await api.book({
      startsAt: new Date(clock.now() + startsInMinutes * MIN).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: `marie.${startsInMinutes}@example.org` },
      channels: ['email'],
    });
    await server.guichet.scheduler.tick(); // the invitation
    const { store } = server.guichet;
    const reminder = (await store.jobsForAppointment(view.id)).find((j) => j.kind === 'reminder');
    if (!reminder) throw new Error('no reminder job');
    clock.set(reminder.dueAt);
    const claimed = await store.claimJob(reminder.id, 'dead-node', clock.now(), LEASE_MS);
    expect(claimed).not.toBeNull();
    expect(await store.markJobHanded(reminder.id, 'dead-node', clock.now())).toBe(true);
    const appointment = await store.getAppointment(view.id);
    if (!appointment) throw new Error('no appointment');
    await deadNode.send(
      {
        channel: 'email',
        to: appointment.citizen.email ?? '',
        subject: 'Rappel',
        text: 'rappel',
        html: null,
        attachments: [],
      },
      { appointmentId: view.id, agentId: 'agent-kill', jobId: reminder.id },
    );
    const handedAt = clock.now();
    return { view, reminderId: reminder.id, handedAt, to: appointment.citizen.email ?? '' };
  };

  it('resends a reminder still in time with the same Message-ID', async () => {
    const { reminderId, to } = await reminderHandedThenKilled(120);
    clock.advance(LEASE_MS + 1_000);
    expect(await server.guichet.scheduler.tick()).toBe(1);
    const reminders = mail.mails.filter((m) => m.to.includes(to) && m.parsed.subject !== undefined);
    // The invitation, the dead node's reminder and the resend.
    expect(reminders).toHaveLength(3);
    const [, first, resent] = reminders;
    expect(resent?.parsed.messageId).toBe(first?.parsed.messageId);
    const job = await server.guichet.store.getJob(reminderId);
    expect(job?.status).toBe('sent');
    expect(job?.handedAt).not.toBeNull();
  });

  it('reports a reminder handed over before the kill as sent, not skipped, once it is too late to resend', async () => {
    const { reminderId, handedAt, to } = await reminderHandedThenKilled(20);
    const before = mail.mails.filter((m) => m.to.includes(to)).length;
    clock.advance(16 * MIN); // past the start, and past the lease
    await server.guichet.scheduler.tick();
    const job = await server.guichet.store.getJob(reminderId);
    expect(job?.status).toBe('sent');
    expect(job?.sentAt).toBe(handedAt);
    expect(mail.mails.filter((m) => m.to.includes(to)).length).toBe(before);
  });
});
