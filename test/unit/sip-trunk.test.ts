import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AllowList } from '../../sip-gateway/trunk/allow-list.js';
import { callerKey, maskNumber } from '../../sip-gateway/trunk/caller.js';
import { DigestAuth, parseDigestParams } from '../../sip-gateway/trunk/digest-auth.js';
import { WindowCounter } from '../../sip-gateway/trunk/limits.js';
import { PinCaps } from '../../sip-gateway/trunk/pin-caps.js';
import { loadSipConfig, SipConfigError } from '../../sip-gateway/config.js';

const TOKEN = 'sip-service-token-for-tests-0123456789abcdef';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('trunk checks', () => {
  it('allow-list: CIDR, single addresses, IPv4-mapped IPv6', () => {
    const list = new AllowList(['192.0.2.0/28', '198.51.100.7', '2001:db8::/32']);
    expect(list.allows('192.0.2.15')).toBe(true);
    expect(list.allows('192.0.2.16')).toBe(false);
    expect(list.allows('198.51.100.7')).toBe(true);
    expect(list.allows('::ffff:198.51.100.7')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('not-an-ip')).toBe(false);
    expect(() => new AllowList(['192.0.2.0/33'])).toThrow(/prefix/);
  });

  it('digest: a response computed from our challenge passes; a wrong password, an old or forged nonce does not', () => {
    let now = 1_000_000;
    const auth = new DigestAuth(
      { realm: 'guichet', username: 'trunk', password: 'correct horse' },
      () => now,
    );
    const { nonce } = parseDigestParams(auth.challenge().replace(/^Digest /, ''));
    const header = (password: string, n = nonce ?? '') => {
      const ha1 = md5(`trunk:guichet:${password}`);
      const ha2 = md5('INVITE:sip:rendezvous@192.0.2.1');
      const response = md5(`${ha1}:${n}:00000001:abc:auth:${ha2}`);
      return `Digest username="trunk", realm="guichet", nonce="${n}", uri="sip:rendezvous@192.0.2.1", qop=auth, nc=00000001, cnonce="abc", response="${response}"`;
    };
    expect(auth.verify(header('correct horse'), 'INVITE')).toBe(true);
    expect(auth.verify(header('wrong'), 'INVITE')).toBe(false);
    expect(auth.verify(header('correct horse', '1000000.forged'), 'INVITE')).toBe(false);
    expect(auth.verify(undefined, 'INVITE')).toBe(false);
    now += 6 * 60_000;
    expect(auth.verify(header('correct horse'), 'INVITE')).toBe(false);
  });

  it('masks numbers to the last two digits and keys callers without the number', () => {
    expect(maskNumber('+33612345642')).toBe('•• •• 42');
    expect(maskNumber('anonymous')).toBe('masqué');
    expect(maskNumber(undefined)).toBe('masqué');
    const secret = Buffer.alloc(32, 1);
    expect(callerKey('+33612345642', secret)).toBe(callerKey('+33 6 12 34 56 42', secret));
    expect(callerKey('+33612345642', secret)).not.toContain('3361');
  });

  it('a window counter forgets hits older than its window', () => {
    let now = 0;
    const c = new WindowCounter(2, 1000, () => now);
    expect([c.take('a'), c.take('a'), c.take('a')]).toEqual([true, true, false]);
    now = 1001;
    expect(c.take('a')).toBe(true);
  });

  it('wrong PINs are capped per caller and per trunk over time, each audited with the number masked', () => {
    let now = 0;
    const audits: { type: string; caller: string }[] = [];
    const caps = new PinCaps(
      { perCaller: { limit: 3, windowMs: 60_000 }, perTrunk: { limit: 5, windowMs: 60_000 } },
      { record: (e) => audits.push(e) },
      () => now,
    );
    const caller = (key: string) => ({ masked: '•• •• 42', key, trunk: '192.0.2.1', callId: 'c' });
    for (let i = 0; i < 3; i++) caps.recordWrong(caller('one'));
    expect(caps.capped(caller('one'))).toBe(true);
    expect(caps.capped(caller('two'))).toBe(false);
    caps.recordWrong(caller('two'));
    caps.recordWrong(caller('three'));
    // The trunk's five wrong PINs cap every caller behind it.
    expect(caps.capped(caller('four'))).toBe(true);
    now = 60_001;
    expect(caps.capped(caller('one'))).toBe(false);
    expect(audits.filter((a) => a.type === 'pin_wrong')).toHaveLength(5);
    expect(audits.filter((a) => a.type === 'pin_capped')).toHaveLength(2);
    expect(audits.every((a) => a.caller === '•• •• 42')).toBe(true);
  });
});

describe('gateway config', () => {
  it('reads SIP_LISTEN and the defaults', () => {
    const c = loadSipConfig({ SIP_LISTEN: '127.0.0.1:5060', SIP_SERVICE_TOKEN: TOKEN });
    expect(c.gateway.listen).toEqual({ host: '127.0.0.1', port: 5060 });
    expect(c.room).toEqual({ url: 'http://127.0.0.1:3000', serviceToken: TOKEN });
    expect(c.redis).toBeUndefined();
    expect(c.gateway.timers).toEqual({ t1: 500, t2: 4000 });
    expect(c.gateway.rtpTimeoutMs).toBe(30_000);
    expect(c.gateway.digest).toBeUndefined();
  });

  it('lists every problem at once', () => {
    try {
      loadSipConfig({
        NODE_ENV: 'production',
        SIP_LISTEN: '0.0.0.0:5060',
        SIP_DIGEST_USER: 'trunk',
        SIP_RTP_PORT_MIN: '5000',
        SIP_RTP_PORT_MAX: '4000',
      });
      expect.unreachable();
    } catch (error) {
      if (!(error instanceof SipConfigError)) throw error;
      const problems = error.problems.join('\n');
      expect(problems).toContain('SIP_ADVERTISED_HOST');
      expect(problems).toContain('SIP_SERVICE_TOKEN');
      expect(problems).toContain('GUICHET_URL');
      expect(problems).toContain('SIP_TRUNK_ALLOWED_IPS');
      expect(problems).toContain('SIP_DIGEST_USER and SIP_DIGEST_PASSWORD');
      expect(problems).toContain('SIP_RTP_PORT_MAX');
    }
  });

  it('refuses a malformed SIP_LISTEN or allow-list', () => {
    expect(() => loadSipConfig({ SIP_LISTEN: '5060', SIP_SERVICE_TOKEN: TOKEN })).toThrow(SipConfigError);
    expect(() => loadSipConfig({ SIP_LISTEN: '127.0.0.1:5060', SIP_SERVICE_TOKEN: 'short' })).toThrow(
      /at least 32/,
    );
    expect(() =>
      loadSipConfig({ SIP_LISTEN: '127.0.0.1:5060', SIP_TRUNK_ALLOWED_IPS: 'example.org' }),
    ).toThrow(SipConfigError);
  });
});
