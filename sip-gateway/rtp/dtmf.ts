/**
 * DTMF from both sources a trunk may use: RFC 4733 telephone-events in RTP
 * and SIP INFO bodies. Both yield one digit per key press.
 */

const EVENT_DIGITS = '0123456789*#ABCD';

export interface TelephoneEvent {
  digit: string;
  end: boolean;
  volume: number;
  duration: number;
}

export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const event = payload[0] ?? 255;
  const digit = EVENT_DIGITS[event];
  if (digit === undefined) return undefined;
  const flags = payload[1] ?? 0;
  return { digit, end: (flags & 0x80) !== 0, volume: flags & 0x3f, duration: payload.readUInt16BE(2) };
}

/** How long after an event's end its timestamp still means "the same event". */
const SAME_EVENT_MS = 250;

/**
 * One digit per event. An event is identified by its RTP timestamp (RFC 4733
 * §2.5.1.2: every packet of one event, and its three end packets, share it).
 * A long press is many packets with one timestamp: still one digit. The
 * digit is reported at the first end packet, or when a new event starts if
 * all the end packets were lost. A packet with an ended event's timestamp
 * is a repeat of that event, unless it comes well after (a sender that
 * reuses timestamps, such as a replayed capture of the same key).
 */
export class TelephoneEventReceiver {
  #current: { timestamp: number; digit: string } | undefined;
  readonly #ended: { timestamp: number; at: number }[] = [];

  constructor(readonly onDigit: (digit: string) => void) {}

  receive(timestamp: number, payload: Buffer, now = Date.now()): void {
    const event = parseTelephoneEvent(payload);
    if (!event) return;
    if (this.#ended.some((e) => e.timestamp === timestamp && now - e.at < SAME_EVENT_MS)) return;
    if (this.#current && this.#current.timestamp !== timestamp) this.#finish(now);
    if (!this.#current) this.#current = { timestamp, digit: event.digit };
    if (event.end) this.#finish(now);
  }

  #finish(now: number): void {
    const current = this.#current;
    if (!current) return;
    this.#current = undefined;
    this.#ended.push({ timestamp: current.timestamp, at: now });
    if (this.#ended.length > 8) this.#ended.shift();
    this.onDigit(current.digit);
  }
}

/**
 * A SIP INFO body: `application/dtmf-relay` (`Signal=5\r\nDuration=160`) or
 * `application/dtmf` (just `5`). Undefined for anything else.
 */
export function parseInfoDtmf(contentType: string | undefined, body: string): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  let signal: string | undefined;
  if (type === 'application/dtmf-relay') {
    signal = /^\s*signal\s*=\s*(\S+)\s*$/im.exec(body)?.[1];
  } else if (type === 'application/dtmf') {
    signal = body.trim();
  } else return undefined;
  if (!signal) return undefined;
  if (/^(1[0-5]|\d)$/.test(signal) && Number(signal) >= 10) return EVENT_DIGITS[Number(signal)];
  const upper = signal.toUpperCase();
  return /^[0-9*#A-D]$/.test(upper) ? upper : undefined;
}
