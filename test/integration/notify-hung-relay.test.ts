import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobMessageId } from '../../signaling/notify/smtp-sender.js';
import { apiClient } from '../helpers/api.js';
import { MailSink, SmsSink } from '../helpers/mail-sink.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * A hung SMTP relay (a real smtp-server that takes the message and never
 * answers) must not delay SMS: channels have their own lanes, and each send
 * a deadline. Before, an SMS-only booking waited 40 s behind one email.
 */

const SEND_TIMEOUT_SECONDS = 4;

describe('a hung SMTP relay does not hold up SMS (real SMTP server, real SMS gateway)', () => {
  /** The DATA callbacks the relay never answered; called at the end so the connections close. */
  const held: ((error?: Error) => void)[] = [];
  let relay: SMTPServer;
  let sms: SmsSink;
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => held.push(callback));
      },
    });
    relay.listen(0, '127.0.0.1');
    await once(relay.server, 'listening');
    const { port } = relay.server.address() as AddressInfo;
    sms = await SmsSink.start();
    server = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      SMS_GATEWAY_URL: sms.url,
      SMS_GATEWAY_TOKEN: 'gw-token',
      NOTIFY_SEND_TIMEOUT_SECONDS: String(SEND_TIMEOUT_SECONDS),
      SCHEDULER_INTERVAL_MS: '200',
    });
    api = apiClient(server.baseUrl, server.agentToken('agent-relay'));
  });
  afterAll(async () => {
    for (const answer of held) answer(new Error('test over'));
    await server?.close();
    await sms?.close();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });

  it('delivers an SMS-only booking at once while an email hangs, then times the email out for a retry', async () => {
    const startsAt = new Date(Date.now() + 3 * 3600_000).toISOString();
    const emailOnly = await api.book({
      startsAt,
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    // The email invitation reaches the relay, which holds it.
    await vi.waitFor(() => expect(held.length).toBe(1), { timeout: 5_000, interval: 50 });

    const booked = Date.now();
    await api.book({
      startsAt,
      durationMinutes: 30,
      citizen: { displayName: 'Jean Martin', phone: '+33698765432' },
      channels: ['sms'],
    });
    await vi.waitFor(() => expect(sms.messages).toHaveLength(1), { timeout: 10_000, interval: 50 });
    const smsDelay = Date.now() - booked;
    console.log(`SMS delivered ${smsDelay} ms after booking, while the email was hung`);
    // Well under the email's send deadline: the SMS did not wait for it.
    expect(smsDelay).toBeLessThan(SEND_TIMEOUT_SECONDS * 1000 - 1000);
    expect(held.length).toBe(1);

    // The hung email is given up at its deadline and scheduled again, not lost.
    await vi.waitFor(
      async () => {
        const view = await api.get(emailOnly.id);
        const invitation = view.notifications.find((n) => n.channel === 'email');
        expect(invitation?.attempts).toBe(1);
        expect(invitation?.status).toBe('pending');
        expect(invitation?.lastError).toMatch(/timed out/);
      },
      { timeout: (SEND_TIMEOUT_SECONDS + 5) * 1000, interval: 200 },
    );
  });
});

describe('Message-ID per job (real SMTP server)', () => {
  let mail: MailSink;
  let server: TestServer;

  beforeAll(async () => {
    mail = await MailSink.start();
    server = await startTestServer(
      { SMTP_URL: mail.url, SMTP_FROM: 'Mairie <rdv@mairie.example.fr>' },
      { runScheduler: false },
    );
  });
  afterAll(async () => {
    await server?.close();
    await mail?.close();
  });

  it('gives each job its own stable Message-ID, recognisable on a resend', async () => {
    const api = apiClient(server.baseUrl, server.agentToken('agent-mid'));
    const view = await api.book({
      startsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    await server.guichet.scheduler.tick();
    expect(mail.mails).toHaveLength(1);
    const [job] = await server.guichet.store.jobsForAppointment(view.id);
    expect(job?.status).toBe('sent');
    const expected = jobMessageId(job?.id ?? '', 'Mairie <rdv@mairie.example.fr>');
    expect(mail.mails[0]?.parsed.messageId).toBe(expected);
    expect(expected).toMatch(/^<job\.[0-9a-f]{32}@mairie\.example\.fr>$/);
    // The appointment id stays out of the header.
    expect(expected).not.toContain(view.id);
  });
});
