import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DeliveryError, scrubReason } from '../../signaling/notify/delivery-error.js';
import { OutboxSender } from '../../signaling/notify/outbox-sender.js';
import { createSenders } from '../../signaling/notify/senders.js';
import { SmsSender } from '../../signaling/notify/sms-sender.js';
import { smtpDeliveryError } from '../../signaling/notify/smtp-errors.js';
import { SmtpSender } from '../../signaling/notify/smtp-sender.js';

function nodemailerError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`Can't send mail to bob@example.org`), fields);
}

describe('smtpDeliveryError', () => {
  it.each([
    [{ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 <bob@example.org>: User unknown' }, true],
    [{ code: 'EMESSAGE', responseCode: 552, response: '552 Message too big' }, true],
    [{ code: 'EENVELOPE', responseCode: 451, response: '451 4.7.1 Greylisted' }, false],
    [{ code: 'EPROTOCOL', responseCode: 503, response: '503 Bad sequence of commands' }, false],
    [{ code: 'EPROTOCOL', responseCode: 421, response: '421 Too many connections' }, false],
    [{ code: 'EAUTH', responseCode: 535, response: '535 Authentication failed' }, false],
    [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, false],
    [{ code: 'ETIMEDOUT' }, false],
    [{ code: 'ECONNECTION' }, false],
    [{ code: 'EDNS' }, false],
    [{ code: 'EENVELOPE' }, true],
    [{}, false],
  ])('%o → permanent %s', (fields, permanent) => {
    const error = smtpDeliveryError(nodemailerError(fields));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.permanent).toBe(permanent);
    expect(error.reason).not.toContain('bob@example.org');
    expect(error.reason.length).toBeGreaterThan(0);
  });

  it('keeps the helpful part of the reply, scrubbed', () => {
    const error = smtpDeliveryError(
      nodemailerError({
        code: 'EENVELOPE',
        responseCode: 550,
        response: '550 5.1.1 <bob@example.org>: User unknown',
      }),
    );
    expect(error.reason).toBe('SMTP server refused the recipient (550 5.1.1 [address]: User unknown)');
  });

  it('names the connection failure', () => {
    expect(smtpDeliveryError(nodemailerError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' })).reason).toBe(
      'SMTP server refused the connection',
    );
  });

  it('takes anything, even a non-Error', () => {
    expect(smtpDeliveryError('boom').permanent).toBe(false);
    expect(smtpDeliveryError(null).permanent).toBe(false);
  });
});

describe('scrubReason', () => {
  it('removes addresses and phone numbers, and bounds the length', () => {
    expect(scrubReason('to <a.b@c.fr> and x@y.org')).toBe('to [address] and [address]');
    expect(scrubReason('number +33 6 12 34 56 78 refused')).toBe('number [number] refused');
    expect(scrubReason('number 0612345678 refused')).toBe('number [number] refused');
    expect(scrubReason('SMTP 550 5.1.1 refused')).toBe('SMTP 550 5.1.1 refused');
    expect(scrubReason('HTTP 503')).toBe('HTTP 503');
    expect(scrubReason('x'.repeat(500))).toHaveLength(200);
    expect(scrubReason('  ')).toBe('unknown delivery error');
  });

  it('applies to every DeliveryError', () => {
    expect(new DeliveryError(true, 'bad 06 12 34 56 78').reason).toBe('bad [number]');
  });
});

describe('createSenders', () => {
  const log = pino({ level: 'silent' });
  const saveToOutbox = async (): Promise<void> => undefined;

  it('keeps both channels in the outbox when nothing is configured', async () => {
    const senders = createSenders({ smtp: null, sms: null, saveToOutbox, log });
    expect(senders.byChannel.email).toBeInstanceOf(OutboxSender);
    expect(senders.byChannel.email.channel).toBe('email');
    expect(senders.byChannel.sms).toBeInstanceOf(OutboxSender);
    expect(senders.byChannel.sms.channel).toBe('sms');
    expect(senders.external).toEqual({ email: false, sms: false });
    await senders.close();
  });

  it('uses SMTP and the HTTP gateway when configured', async () => {
    const senders = createSenders({
      smtp: { url: 'smtp://127.0.0.1:2525', from: 'no-reply@example.fr' },
      sms: { url: 'http://127.0.0.1:9/sms', token: 't' },
      saveToOutbox,
      log,
    });
    expect(senders.byChannel.email).toBeInstanceOf(SmtpSender);
    expect(senders.byChannel.sms).toBeInstanceOf(SmsSender);
    expect(senders.external).toEqual({ email: true, sms: true });
    await senders.close();
    await senders.close();
  });
});
