import { once } from 'node:events';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotification } from '../../signaling/notify/render.js';
import { SmtpSender } from '../../signaling/notify/smtp-sender.js';
import {
  CITIZEN_EMAIL,
  CONTEXT,
  LINK,
  START,
  capturingLogger,
  closedPort,
  data,
  portOf,
  rejection,
  smtpError,
} from '../helpers/notify-fixtures.js';

describe('SmtpSender with a real SMTP server', () => {
  const received: { rcptTo: string[]; user: string | undefined; raw: Buffer }[] = [];
  /** Messages whose DATA the server holds without answering (a stalled relay). */
  const stalled: (() => void)[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'guichet' && auth.password === 's3cret/é')
          callback(null, { user: auth.username });
        else callback(smtpError('Authentication failed', 535));
      },
      onRcptTo(address: SMTPServerAddress, _session, callback) {
        if (address.address.startsWith('refused')) {
          callback(smtpError(`Mailbox unavailable: <${address.address}> does not exist`, 550));
        } else if (address.address.startsWith('greylisted')) {
          callback(smtpError('Greylisted, try again later', 451));
        } else {
          callback();
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (session.envelope.rcptTo.some((a) => a.address.startsWith('stalled'))) {
            stalled.push(() => callback());
            return;
          }
          received.push({
            rcptTo: session.envelope.rcptTo.map((a) => a.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    port = portOf(server.server.address());
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers an invitation with its calendar file, and logs no address', async () => {
    const { log, lines } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://guichet:${encodeURIComponent('s3cret/é')}@127.0.0.1:${port}`,
      from: 'Guichet <no-reply@guichet.example.fr>',
      log,
    });
    try {
      const message = renderNotification('invitation', 'email', 'fr', data(CITIZEN_EMAIL));
      await sender.send(message, CONTEXT);
      await expect.poll(() => received.length).toBe(1);
    } finally {
      await sender.close();
    }
    const mail = received[0]!;
    expect(mail.rcptTo).toEqual([CITIZEN_EMAIL]);
    expect(mail.user).toBe('guichet');

    const parsed = await simpleParser(mail.raw);
    const to: AddressObject[] = Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [];
    expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual([CITIZEN_EMAIL]);
    expect(parsed.from?.value[0]?.address).toBe('no-reply@guichet.example.fr');
    expect(parsed.subject).toBe('Votre rendez-vous vidéo du jeudi 3 décembre à 14 h 30');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain(LINK);
    expect(parsed.text).toContain('K7M-4QX-9TP');
    expect(parsed.text).toContain('Bonjour Marie <Dupont>,');
    expect(parsed.html).toContain('Bonjour Marie &lt;Dupont&gt;,');

    const ics = parsed.attachments.find((a) => a.filename === 'rendez-vous.ics');
    expect(ics).toBeDefined();
    expect(ics!.contentType).toBe('text/calendar');
    const calendar = ics!.content.toString('utf8').replace(/\r\n[ \t]/g, '');
    expect(calendar).toContain('METHOD:REQUEST');
    expect(calendar).toContain('UID:apt_42@guichet.example.fr');
    const dtstart = /^DTSTART:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/m.exec(calendar);
    expect(dtstart).not.toBeNull();
    const [, y, mo, d, h, mi, s] = dtstart!.map(Number);
    expect(new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)).getTime()).toBe(START.getTime());

    const logs = lines.join('');
    expect(logs).toContain('email sent');
    expect(logs).toContain('apt_42');
    expect(logs).not.toContain(CITIZEN_EMAIL);
    expect(logs).not.toContain('s3cret');
  });

  it('reports a recipient refused with 550 as permanent, without the address', async () => {
    const { log, lines } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://127.0.0.1:${port}`,
      from: 'no-reply@guichet.example.fr',
      log,
    });
    try {
      const to = 'refused.citizen@example.org';
      const error = await rejection(
        sender.send(renderNotification('reminder', 'email', 'fr', data(to)), CONTEXT),
      );
      expect(error.permanent).toBe(true);
      expect(error.reason).toMatch(/refused the recipient/);
      expect(error.reason).toContain('550');
      expect(error.reason).not.toContain('refused.citizen');
      expect(error.message).not.toContain('refused.citizen');
      expect(lines.join('')).not.toContain('refused.citizen');
    } finally {
      await sender.close();
    }
  });

  it('reports a 451 (greylisting) as temporary', async () => {
    const { log } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://127.0.0.1:${port}`,
      from: 'no-reply@guichet.example.fr',
      log,
    });
    try {
      const message = renderNotification('reminder', 'email', 'fr', data('greylisted@example.org'));
      const error = await rejection(sender.send(message, CONTEXT));
      expect(error.permanent).toBe(false);
      expect(error.reason).toContain('451');
    } finally {
      await sender.close();
    }
  });

  it('reports bad SMTP credentials as temporary (a set-up problem, not the message)', async () => {
    const { log } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://guichet:wrong@127.0.0.1:${port}`,
      from: 'no-reply@guichet.example.fr',
      log,
    });
    try {
      const error = await rejection(sender.verify());
      expect(error.permanent).toBe(false);
      expect(error.reason).toMatch(/authentication failed/);
      expect(error.reason).not.toContain('wrong');
    } finally {
      await sender.close();
    }
  });

  it('reports an SMTP server that is down as temporary', async () => {
    const { log } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://127.0.0.1:${await closedPort()}`,
      from: 'no-reply@guichet.example.fr',
      log,
      connectionTimeoutMs: 2_000,
    });
    try {
      const error = await rejection(
        sender.send(renderNotification('invitation', 'email', 'fr', data(CITIZEN_EMAIL)), CONTEXT),
      );
      expect(error.permanent).toBe(false);
      expect(error.reason).toMatch(/SMTP/);
    } finally {
      await sender.close();
    }
  });

  it('gives up on a relay that never answers the DATA, as temporary, and closes at once', async () => {
    const { log } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://127.0.0.1:${port}`,
      from: 'no-reply@guichet.example.fr',
      log,
      sendTimeoutMs: 500,
    });
    const message = renderNotification('reminder', 'email', 'fr', data('stalled@example.org'));
    const error = await rejection(sender.send(message, CONTEXT));
    expect(error.permanent).toBe(false);
    expect(error.reason).toMatch(/timed out/);
    const closing = Date.now();
    await sender.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
    for (const release of stalled.splice(0)) release();
  });

  it('refuses to send after close, and close is idempotent', async () => {
    const { log } = capturingLogger();
    const sender = SmtpSender.create({
      url: `smtp://127.0.0.1:${port}`,
      from: 'no-reply@guichet.example.fr',
      log,
    });
    await sender.close();
    await sender.close();
    const error = await rejection(
      sender.send(renderNotification('reminder', 'email', 'fr', data(CITIZEN_EMAIL)), CONTEXT),
    );
    expect(error.permanent).toBe(false);
  });

  it('rejects an SMTP_URL that is not smtp(s), without echoing it', () => {
    const { log } = capturingLogger();
    expect(() => SmtpSender.create({ url: 'http://u:pw@host', from: 'a@b.fr', log })).toThrow(/smtp:\/\//);
    expect(() => SmtpSender.create({ url: 'nonsense', from: 'a@b.fr', log })).not.toThrow(/nonsense/);
  });
});
