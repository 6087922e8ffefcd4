import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { DeliveryError } from '../../signaling/notify/delivery-error.js';
import type { SendContext } from '../../signaling/notify/message.js';
import type { NotificationData } from '../../signaling/notify/render.js';

/** Shared data and tools for the notification sender tests. */
export const CONTEXT: SendContext = { appointmentId: 'apt_42', agentId: 'agent_7' };
export const START = new Date('2026-12-03T13:30:00Z');
export const LINK = 'https://guichet.example.fr/r/Xk3vQ9?t=eyJhbGciOiJIUzI1NiJ9.c2lnbmF0dXJl';
export const CITIZEN_EMAIL = 'marie.dupont@example.org';
export const CITIZEN_PHONE = '+33612345678';

export function data(to: string): NotificationData {
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
    dialInNumbers: [{ country: 'FR', number: '+33 1 84 88 00 00', tollFree: false, default: true }],
  };
}

/** A raw pino logger (no redaction) whose lines we keep: the senders themselves must not log personal data. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

export async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError, the promise resolved');
}

export function portOf(address: string | AddressInfo | null): number {
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return address.port;
}

/** A port nothing listens on: bind one, then close it. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = portOf(server.address());
  server.close();
  await once(server, 'close');
  return port;
}

export function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}
