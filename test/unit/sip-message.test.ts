import { describe, expect, it } from 'vitest';
import {
  addressUri,
  headerParam,
  headerValue,
  listHeader,
  parseCSeq,
  parseSipMessage,
  serializeSipMessage,
  SipParseError,
  uriHostPort,
  uriUser,
} from '../../sip-gateway/sip/message.js';
import { buildResponse, missingMandatoryHeader } from '../../sip-gateway/sip/response.js';

const INVITE = [
  'INVITE sip:rendezvous@192.0.2.1 SIP/2.0',
  'v: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK776asdhds, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKold',
  'Max-Forwards: 70',
  'f: "Appelant, Paris" <sip:+33612345642@198.51.100.7>;tag=1928301774',
  't: <sip:rendezvous@192.0.2.1>',
  'i: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Subject: a folded',
  '  header value',
  'Contact: <sip:+33612345642@198.51.100.7:5070;transport=udp>',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\r\nEXTRA',
].join('\r\n');

describe('SIP parser', () => {
  it('parses a request: compact forms expanded, folding joined, body cut at Content-Length', () => {
    const m = parseSipMessage(Buffer.from(INVITE));
    expect(m.kind).toBe('request');
    if (m.kind !== 'request') return;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:rendezvous@192.0.2.1');
    expect(headerValue(m.headers, 'call-id')).toBe('a84b4c76e66710');
    expect(headerValue(m.headers, 'Subject')).toBe('a folded header value');
    expect(listHeader(m.headers, 'Via')).toHaveLength(2);
    expect(m.body.toString()).toBe('v=0\r');
    expect(parseCSeq(headerValue(m.headers, 'CSeq'))).toEqual({ seq: 314159, method: 'INVITE' });
  });

  it('reads tags, URIs and users, with commas and quotes in display names', () => {
    const from = '"Appelant, Paris" <sip:+33612345642@198.51.100.7>;tag=1928301774';
    expect(headerParam(from, 'tag')).toBe('1928301774');
    expect(addressUri(from)).toBe('sip:+33612345642@198.51.100.7');
    expect(uriUser('sip:+33612345642@198.51.100.7')).toBe('+33612345642');
    expect(uriUser('tel:+33612345642;phone-context=x')).toBe('+33612345642');
    expect(uriHostPort('sip:a@198.51.100.7:5070;transport=udp')).toEqual({
      host: '198.51.100.7',
      port: 5070,
    });
    expect(uriHostPort('sip:[2001:db8::1]')).toEqual({ host: '2001:db8::1', port: 5060 });
    expect(headerParam('<sip:x;tag=inside>', 'tag')).toBeUndefined();
  });

  it('parses responses and round-trips through the serializer', () => {
    const m = parseSipMessage(Buffer.from(INVITE));
    if (m.kind !== 'request') throw new Error('request expected');
    const response = buildResponse(m, 200, { toTag: 'abc', body: Buffer.from('v=0\r\n') });
    const again = parseSipMessage(serializeSipMessage(response));
    expect(again.kind).toBe('response');
    if (again.kind !== 'response') return;
    expect(again.status).toBe(200);
    expect(again.reason).toBe('OK');
    expect(headerValue(again.headers, 'To')).toBe('<sip:rendezvous@192.0.2.1>;tag=abc');
    expect(listHeader(again.headers, 'Via')).toHaveLength(2);
    expect(headerValue(again.headers, 'Content-Length')).toBe('5');
    expect(again.body.toString()).toBe('v=0\r\n');
  });

  it.each([
    ['no end of headers', 'INVITE sip:x SIP/2.0\r\nVia: x'],
    ['bad start line', 'HELLO\r\n\r\n'],
    ['SIP/3.0', 'INVITE sip:x SIP/3.0\r\n\r\n'],
    ['header without a colon', 'INVITE sip:x SIP/2.0\r\nVia x\r\n\r\n'],
    ['continuation first', 'INVITE sip:x SIP/2.0\r\n folded\r\n\r\n'],
    ['bad Content-Length', 'INVITE sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n'],
    ['short body', 'INVITE sip:x SIP/2.0\r\nContent-Length: 10\r\n\r\nabc'],
  ])('refuses %s with a SipParseError', (_label, text) => {
    expect(() => parseSipMessage(Buffer.from(text))).toThrow(SipParseError);
  });

  it('never throws anything but SipParseError on random bytes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const base = Buffer.from(INVITE);
      for (let k = 0; k < 5; k++) base[Math.floor(rand() * base.length)] = Math.floor(rand() * 256);
      try {
        parseSipMessage(base);
      } catch (error) {
        expect(error).toBeInstanceOf(SipParseError);
      }
    }
  });

  it('names the missing mandatory header, and checks the CSeq method', () => {
    const m = parseSipMessage(Buffer.from(INVITE.replace('CSeq: 314159 INVITE', 'CSeq: 1 BYE')));
    if (m.kind !== 'request') throw new Error('request expected');
    expect(missingMandatoryHeader(m)).toBe('CSeq');
    const noCallId = parseSipMessage(Buffer.from(INVITE.replace('i: a84b4c76e66710\r\n', '')));
    if (noCallId.kind !== 'request') throw new Error('request expected');
    expect(missingMandatoryHeader(noCallId)).toBe('Call-ID');
  });
});
