import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { simpleParser, type AddressObject } from 'mailparser';
import { pino, type Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../signaling/notify/delivery-error.js';
import type { SendContext } from '../../signaling/notify/message.js';
import { OutboxSender } from '../../signaling/notify/outbox-sender.js';
import { renderNotification, type NotificationData } from '../../signaling/notify/render.js';
import { HttpGatewaySmsProvider } from '../../signaling/notify/sms-http-gateway.js';
import { SmsSender } from '../../signaling/notify/sms-sender.js';
import { SmtpSender } from '../../signaling/notify/smtp-sender.js';
import type { OutboxMessage } from '../../signaling/store/store.js';

const CONTEXT: SendContext = { appointmentId: 'apt_42', agentId: 'agent_7' };
const START = new Date('2026-12-03T13:30:00Z');
const LINK = 'https://guichet.example.fr/r/Xk3vQ9?t=eyJhbGciOiJIUzI1NiJ9.c2lnbmF0dXJl';
const CITIZEN_EMAIL = 'marie.dupont@example.org';
const CITIZEN_PHONE = '+33612345678';

function data(to: string): NotificationData {
  return {
    to,
    appointmentId: CONTEXT.appointmentId,
    generation: 0,
    citizenName: 'Marie <Dupont>',
    agentName: 'Jean Martin',
    serviceName: 'CAF du Rhône',
    startsAt: START,
    durationMinutes: 30,
    timeZone: 'Europe/Paris',
    link: LINK,
    password: 'K7M-4QX-9TP',
    pin: '482913',
    dialInNumber: '01 84 88 00 00',
  };
}

/** A raw pino logger (no redaction) whose lines we keep: the senders themselves must not log personal data. */
function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError, the promise resolved');
}

function portOf(address: string | AddressInfo | null): number {
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return address.port;
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = portOf(server.address());
  server.close();
  await once(server, 'close');
  return port;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

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

describe('SmsSender with a real HTTP gateway', () => {
  interface Request {
    method: string | undefined;
    authorization: string | undefined;
    contentType: string | undefined;
    body: unknown;
  }
  const requests: Request[] = [];
  let status = 200;
  let hang = false;
  let server: HttpServer;
  let url: string;

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      void readBody(req).then((body) => {
        requests.push({
          method: req.method,
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          body,
        });
        if (hang) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        // Gateways often echo the number: it must not reach the reason.
        res.end(JSON.stringify({ error: `bad number ${CITIZEN_PHONE}` }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${portOf(server.address())}/sms`;
  });

  afterEach(() => {
    requests.length = 0;
    status = 200;
    hang = false;
    server.closeAllConnections();
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  function sender(log: Logger, timeoutMs?: number): SmsSender {
    const provider = new HttpGatewaySmsProvider({ url, token: 'gw-token-123' });
    return SmsSender.create({ provider, log, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  it('POSTs JSON {to, text} with the bearer token, and logs no number', async () => {
    const { log, lines } = capturingLogger();
    const sms = sender(log);
    const message = renderNotification('reminder', 'sms', 'fr', data(CITIZEN_PHONE));
    try {
      await sms.send(message, CONTEXT);
    } finally {
      await sms.close();
    }
    expect(requests).toEqual([
      {
        method: 'POST',
        authorization: 'Bearer gw-token-123',
        contentType: 'application/json',
        body: { to: CITIZEN_PHONE, text: message.text },
      },
    ]);
    expect(message.text).toContain(LINK);
    expect(message.text.length).toBeLessThanOrEqual(320);
    const logs = lines.join('');
    expect(logs).toContain('sms sent');
    expect(logs).not.toContain(CITIZEN_PHONE);
    expect(logs).not.toContain('gw-token-123');
  });

  it('treats a 503 as temporary', async () => {
    status = 503;
    const sms = sender(capturingLogger().log);
    try {
      const error = await rejection(
        sms.send(renderNotification('invitation', 'sms', 'fr', data(CITIZEN_PHONE)), CONTEXT),
      );
      expect(error.permanent).toBe(false);
      expect(error.reason).toContain('503');
      expect(requests).toHaveLength(1);
    } finally {
      await sms.close();
    }
  });

  it('treats a 400 as permanent, and keeps the echoed number out of the reason', async () => {
    status = 400;
    const sms = sender(capturingLogger().log);
    try {
      const error = await rejection(
        sms.send(renderNotification('invitation', 'sms', 'fr', data(CITIZEN_PHONE)), CONTEXT),
      );
      expect(error.permanent).toBe(true);
      expect(error.reason).toContain('400');
      expect(error.reason).not.toContain('612345678');
    } finally {
      await sms.close();
    }
  });

  it('treats a gateway that does not answer in time as temporary', async () => {
    hang = true;
    const sms = sender(capturingLogger().log, 300);
    try {
      const error = await rejection(
        sms.send(renderNotification('reminder', 'sms', 'en', data(CITIZEN_PHONE)), CONTEXT),
      );
      expect(error.permanent).toBe(false);
      expect(error.reason).toMatch(/in time/);
    } finally {
      await sms.close();
    }
  });

  it('treats a gateway that is down as temporary', async () => {
    const provider = new HttpGatewaySmsProvider({
      url: `http://127.0.0.1:${await closedPort()}/sms`,
      token: null,
    });
    const sms = SmsSender.create({ provider, log: capturingLogger().log });
    try {
      const error = await rejection(
        sms.send(renderNotification('reminder', 'sms', 'fr', data(CITIZEN_PHONE)), CONTEXT),
      );
      expect(error.permanent).toBe(false);
      expect(error.reason).toBe('SMS gateway unreachable (ECONNREFUSED)');
    } finally {
      await sms.close();
    }
  });

  it('refuses something that is not a phone number, without calling the gateway', async () => {
    const sms = sender(capturingLogger().log);
    try {
      const error = await rejection(
        sms.send(renderNotification('reminder', 'sms', 'fr', data(CITIZEN_EMAIL)), CONTEXT),
      );
      expect(error.permanent).toBe(true);
      expect(error.reason).toBe('invalid phone number');
      expect(requests).toHaveLength(0);
    } finally {
      await sms.close();
    }
  });
});

describe('OutboxSender', () => {
  it('stores the message through the injected function', async () => {
    const saved: OutboxMessage[] = [];
    const outbox = OutboxSender.create({
      channel: 'email',
      save: async (m) => {
        saved.push(m);
      },
      log: capturingLogger().log,
      now: () => 1_700_000_000_000,
      newId: () => 'out_1',
    });
    const message = renderNotification('invitation', 'email', 'fr', data(CITIZEN_EMAIL));
    await outbox.send(message, CONTEXT);
    expect(saved).toEqual([
      {
        id: 'out_1',
        appointmentId: 'apt_42',
        agentId: 'agent_7',
        channel: 'email',
        to: CITIZEN_EMAIL,
        subject: message.subject,
        text: message.text,
        createdAt: 1_700_000_000_000,
      },
    ]);
    await outbox.close();
  });

  it('reports a store failure as temporary, and a wrong channel as permanent', async () => {
    const { log, lines } = capturingLogger();
    const outbox = OutboxSender.create({
      channel: 'sms',
      save: () => Promise.reject(new Error(`disk full while writing ${CITIZEN_PHONE}`)),
      log,
    });
    const sms = renderNotification('reminder', 'sms', 'fr', data(CITIZEN_PHONE));
    const failed = await rejection(outbox.send(sms, CONTEXT));
    expect(failed.permanent).toBe(false);
    expect(lines.join('')).not.toContain(CITIZEN_PHONE);
    const email = renderNotification('reminder', 'email', 'fr', data(CITIZEN_EMAIL));
    expect((await rejection(outbox.send(email, CONTEXT))).permanent).toBe(true);
    await outbox.close();
  });
});
