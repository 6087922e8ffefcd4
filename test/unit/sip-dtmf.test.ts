import { describe, expect, it } from 'vitest';
import { parseInfoDtmf, parseTelephoneEvent, TelephoneEventReceiver } from '../../sip-gateway/rtp/dtmf.js';

const ev = (event: number, end: boolean, duration: number) =>
  Buffer.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);

function receiver() {
  const digits: string[] = [];
  return { digits, r: new TelephoneEventReceiver((d) => digits.push(d)) };
}

describe('RFC 4733 telephone-events', () => {
  it('parses event, end bit, volume and duration', () => {
    expect(parseTelephoneEvent(ev(11, true, 1280))).toEqual({
      digit: '#',
      end: true,
      volume: 10,
      duration: 1280,
    });
    expect(parseTelephoneEvent(Buffer.from([16, 0, 0, 0]))).toBeUndefined();
    expect(parseTelephoneEvent(Buffer.from([1, 0]))).toBeUndefined();
  });

  it('gives one digit per event: the three end packets are one', () => {
    const { digits, r } = receiver();
    r.receive(1000, ev(5, false, 160), 0);
    r.receive(1000, ev(5, false, 320), 20);
    r.receive(1000, ev(5, true, 480), 40);
    r.receive(1000, ev(5, true, 480), 45);
    r.receive(1000, ev(5, true, 480), 50);
    expect(digits).toEqual(['5']);
  });

  it('a long press (many updates, one timestamp) is one digit', () => {
    const { digits, r } = receiver();
    for (let i = 1; i <= 150; i++) r.receive(2000, ev(7, false, i * 160), i * 20);
    r.receive(2000, ev(7, true, 24000), 3020);
    r.receive(2000, ev(7, true, 24000), 3025);
    expect(digits).toEqual(['7']);
  });

  it('reports an event whose end packets were all lost when the next one starts', () => {
    const { digits, r } = receiver();
    r.receive(3000, ev(1, false, 160), 0);
    r.receive(3000, ev(1, false, 320), 20);
    r.receive(4000, ev(2, false, 160), 300);
    r.receive(4000, ev(2, true, 320), 320);
    expect(digits).toEqual(['1', '2']);
  });

  it('the same key pressed twice by a sender that reuses the timestamp (a replayed capture) is two digits', () => {
    const { digits, r } = receiver();
    r.receive(13280, ev(9, false, 160), 0);
    r.receive(13280, ev(9, true, 2240), 280);
    r.receive(13280, ev(9, true, 2240), 285);
    r.receive(13280, ev(9, false, 160), 800);
    r.receive(13280, ev(9, true, 2240), 1080);
    expect(digits).toEqual(['9', '9']);
  });
});

describe('SIP INFO DTMF', () => {
  it.each([
    ['application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n', '5'],
    ['application/dtmf-relay', 'Signal= #\r\nDuration= 250', '#'],
    ['application/dtmf-relay', 'Signal=11\r\nDuration=160', '#'],
    ['application/dtmf-relay', 'Signal=10\r\n', '*'],
    ['Application/DTMF-Relay; charset=x', 'signal=*\r\n', '*'],
    ['application/dtmf', '7', '7'],
    ['application/dtmf', ' 11 \r\n', '#'],
  ])('%s %j → %s', (type, body, digit) => {
    expect(parseInfoDtmf(type, body)).toBe(digit);
  });

  it.each([
    ['application/dtmf-relay', 'Duration=160'],
    ['application/dtmf-relay', 'Signal=X'],
    ['application/dtmf', '16'],
    ['text/plain', '5'],
    [undefined, '5'],
  ])('refuses %s %j', (type, body) => {
    expect(parseInfoDtmf(type, body)).toBeUndefined();
  });
});
