import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxSender } from '../../signaling/notify/outbox-sender.js';
import { renderNotification } from '../../signaling/notify/render.js';
import { HttpGatewaySmsProvider } from '../../signaling/notify/sms-http-gateway.js';
import { SmsSender } from '../../signaling/notify/sms-sender.js';
import type { OutboxMessage } from '../../signaling/store/store.js';
import {
  CITIZEN_EMAIL,
  CITIZEN_PHONE,
  CONTEXT,
  LINK,
  capturingLogger,
  closedPort,
  data,
  portOf,
  rejection,
} from '../helpers/notify-fixtures.js';

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
