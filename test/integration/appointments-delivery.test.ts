import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.js';
import { ManualClock } from '../helpers/clock.js';
import { MailSink, SmsSink } from '../helpers/mail-sink.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

const NOW = Date.parse('2026-12-03T09:00:00Z');
const START = '2026-12-03T14:30:00+01:00';

describe('appointment messages through a real SMTP server and SMS gateway', () => {
  const clock = new ManualClock(NOW);
  let mail: MailSink;
  let sms: SmsSink;
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    mail = await MailSink.start();
    sms = await SmsSink.start();
    server = await startTestServer(
      {
        SMTP_URL: mail.url,
        SMTP_FROM: 'Mairie <rdv@mairie.example.fr>',
        SMS_GATEWAY_URL: sms.url,
        SMS_GATEWAY_TOKEN: 'gw-token',
      },
      { clock: clock.now, runScheduler: false },
    );
    api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
  });
  beforeEach(() => {
    clock.set(NOW);
    mail.mails.length = 0;
    mail.refuse.clear();
    sms.messages.length = 0;
    sms.status = 200;
  });
  afterAll(async () => {
    await server?.close();
    await mail?.close();
    await sms?.close();
  });

  const book = (email: string) =>
    api.book({
      startsAt: START,
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email, phone: '+33612345678' },
      channels: ['email', 'sms'],
    });

  it('sends the invitation with a working link and a valid calendar file, then the reminder once', async () => {
    const view = await book('marie@example.org');
    await server.guichet.scheduler.tick();

    expect(mail.mails).toHaveLength(1);
    const invitation = mail.mails[0]!;
    expect(invitation.to).toEqual(['marie@example.org']);
    expect(invitation.parsed.subject).toMatch(/^Votre rendez-vous vidéo du jeudi 3 décembre à 14 h 30/);
    const text = invitation.parsed.text ?? '';
    expect(text).toContain(view.links.citizen);
    expect(text).toContain(view.password);

    const ics = invitation.parsed.attachments.find((a) => a.filename === 'rendez-vous.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const calendar = ics?.content.toString('utf8') ?? '';
    expect(calendar).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(calendar).toContain('METHOD:REQUEST');
    expect(calendar).toContain('DTSTART:20261203T133000Z');
    expect(calendar).toContain('DTEND:20261203T140000Z');
    expect(calendar).toMatch(/END:VCALENDAR\r\n$/);

    expect(sms.messages).toHaveLength(1);
    expect(sms.messages[0]).toMatchObject({ to: '+33612345678', authorization: 'Bearer gw-token' });
    expect(sms.messages[0]?.text).toContain(view.links.citizen);

    // The emailed link opens that appointment's room: its page, then a join with its token.
    const link = /https?:\/\/\S+\/r\/\S+/.exec(text)?.[0] ?? '';
    clock.set('2026-12-03T13:16:00Z');
    const page = await fetch(link);
    expect(link).toBe(view.links.citizen);
    expect(page.status, await page.clone().text()).toBe(200);
    expect(await page.text()).toContain('<html');
    const client = await SignalingClient.connect(server.baseUrl);
    try {
      const token = new URL(link).searchParams.get('t') ?? '';
      expect(await client.raw('join', { roomId: view.roomId, displayName: 'Marie', token })).toMatchObject({
        ok: true,
        data: { role: 'guest' },
      });
    } finally {
      client.close();
    }

    // The reminder: not before its time, then exactly once.
    clock.set('2026-12-03T13:14:59Z');
    await server.guichet.scheduler.tick();
    expect(mail.mails).toHaveLength(1);
    clock.set('2026-12-03T13:15:00Z');
    await server.guichet.scheduler.tick();
    await server.guichet.scheduler.tick();
    expect(mail.mails).toHaveLength(2);
    expect(mail.mails[1]?.parsed.subject).toBe('Votre rendez-vous vidéo commence dans 15 minutes');
    expect(sms.messages).toHaveLength(2);
    const after = await api.get(view.id);
    expect(after.notifications.every((n) => n.status === 'sent')).toBe(true);
  });

  it('marks a refused recipient failed with the reason, and retries a gateway that is down', async () => {
    mail.refuse.add('nobody@example.org');
    sms.status = 503;
    const view = await book('nobody@example.org');
    await server.guichet.scheduler.tick();
    let state = await api.get(view.id);
    const email = state.notifications.find((n) => n.kind === 'invitation' && n.channel === 'email');
    expect(email).toMatchObject({ status: 'failed', attempts: 1 });
    expect(email?.lastError).toContain('550');
    expect(email?.lastError).not.toContain('nobody@example.org');
    const text = state.notifications.find((n) => n.kind === 'invitation' && n.channel === 'sms');
    expect(text).toMatchObject({ status: 'pending', attempts: 1 });

    // Backoff: not retried at once, retried after the delay.
    await server.guichet.scheduler.tick();
    expect(
      (await api.get(view.id)).notifications.find((n) => n.kind === 'invitation' && n.channel === 'sms')
        ?.attempts,
    ).toBe(1);
    sms.status = 200;
    clock.advance(31_000);
    await server.guichet.scheduler.tick();
    state = await api.get(view.id);
    expect(state.notifications.find((n) => n.kind === 'invitation' && n.channel === 'sms')).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
    expect(sms.messages).toHaveLength(1);
  });

  it('skips a reminder that came due while no server ran, once the appointment has started', async () => {
    const view = await book('marie@example.org');
    await server.guichet.scheduler.tick();
    clock.set('2026-12-03T13:31:00Z');
    await server.guichet.scheduler.tick();
    const reminders = (await api.get(view.id)).notifications.filter((n) => n.kind === 'reminder');
    expect(reminders.map((n) => [n.status, n.lastError])).toEqual([
      ['skipped', 'appointment already started'],
      ['skipped', 'appointment already started'],
    ]);
    expect(mail.mails).toHaveLength(1);
  });

  it('sends a late reminder after downtime if the appointment has not started', async () => {
    const view = await book('marie@example.org');
    await server.guichet.scheduler.tick();
    clock.set('2026-12-03T13:25:00Z'); // ten minutes late, five before the start
    await server.guichet.scheduler.tick();
    expect(mail.mails.map((m) => m.parsed.subject)).toContain(
      'Votre rendez-vous vidéo commence dans 15 minutes',
    );
    expect(
      (await api.get(view.id)).notifications.filter((n) => n.kind === 'reminder').map((n) => n.status),
    ).toEqual(['sent', 'sent']);
  });
});
