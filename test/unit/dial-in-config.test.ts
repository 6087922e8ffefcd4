import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import {
  defaultDialIn,
  dialInNumbersForJitsi,
  dialInTelUri,
  toE164,
} from '../../signaling/protocol/dial-in.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('DIAL_IN_NUMBERS', () => {
  it('is empty when unset: no dial-in anywhere', () => {
    expect(loadConfig({}).notify.dialInNumbers).toEqual([]);
    expect(loadConfig({ DIAL_IN_NUMBERS: '' }).notify.dialInNumbers).toEqual([]);
  });

  it('reads numbers by country, with tollFree and default filled in', () => {
    const config = loadConfig({
      DIAL_IN_NUMBERS: JSON.stringify([
        { country: 'FR', number: '+33 1 86 95 00 00', default: true },
        { country: 'BE', number: '+32 2 555 01 00', tollFree: true },
      ]),
    });
    expect(config.notify.dialInNumbers).toEqual([
      { country: 'FR', number: '+33 1 86 95 00 00', tollFree: false, default: true },
      { country: 'BE', number: '+32 2 555 01 00', tollFree: true, default: false },
    ]);
  });

  it('names each problem with its place', () => {
    expect(problemsOf({ DIAL_IN_NUMBERS: '[{"country":"FR","number":"01 86 95 00 00"}]' })).toEqual([
      'DIAL_IN_NUMBERS.0.number: an international number, like +33 1 86 95 00 00 (E.164)',
    ]);
    expect(problemsOf({ DIAL_IN_NUMBERS: '[{"country":"fr","number":"+33 1 86 95 00 00"}]' })).toEqual([
      'DIAL_IN_NUMBERS.0.country: an ISO 3166-1 alpha-2 country code in capitals, like FR',
    ]);
    const two = JSON.stringify([
      { country: 'FR', number: '+33 1 86 95 00 00', default: true },
      { country: 'BE', number: '+32 2 555 01 00', default: true },
    ]);
    expect(problemsOf({ DIAL_IN_NUMBERS: two })).toEqual([
      'DIAL_IN_NUMBERS: at most one number may be "default": true',
    ]);
    const twice = JSON.stringify([
      { country: 'FR', number: '+33 1 86 95 00 00' },
      { country: 'FR', number: '+33186950000' },
    ]);
    expect(problemsOf({ DIAL_IN_NUMBERS: twice })).toEqual(['DIAL_IN_NUMBERS: each number at most once']);
    expect(problemsOf({ DIAL_IN_NUMBERS: '+33 1 86 95 00 00' })[0]).toMatch(/^DIAL_IN_NUMBERS: not JSON/);
    expect(problemsOf({ DIAL_IN_NUMBERS: '{"country":"FR"}' })[0]).toMatch(/^DIAL_IN_NUMBERS: /);
    expect(
      problemsOf({ DIAL_IN_NUMBERS: '[{"country":"FR","number":"+33 1 86 95 00 00","fax":1}]' })[0],
    ).toMatch(/^DIAL_IN_NUMBERS\.0: /);
  });

  it('refuses the old single DIAL_IN_NUMBER with the way to move over', () => {
    const problems = problemsOf({ DIAL_IN_NUMBER: '+33 1 23 45 67 89' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DIAL_IN_NUMBER: replaced by DIAL_IN_NUMBERS/);
  });
});

describe('dial-in numbers and tel: links', () => {
  it('reduces a written number to E.164', () => {
    expect(toE164('+33 1 86 95 00 00')).toBe('+33186950000');
    expect(toE164('+33\u00a01.86.95-00-00')).toBe('+33186950000');
    expect(toE164('+1 (512) 647-1431')).toBe('+15126471431');
    expect(toE164('01 86 95 00 00')).toBeNull();
    expect(toE164('+0 1 86')).toBeNull();
    expect(toE164('+33 1 86 95 00 00 00 00 00')).toBeNull();
    expect(toE164('+33 1 86 95 00 00;ext=1')).toBeNull();
  });

  it('dials the PIN and # after two pauses, # escaped', () => {
    expect(dialInTelUri('+33 1 86 95 00 00', '123456')).toBe('tel:+33186950000,,123456%23');
    expect(dialInTelUri('+33 1 86 95 00 00', '012345')).toBe('tel:+33186950000,,012345%23');
    expect(dialInTelUri('01 86 95 00 00', '123456')).toBeNull();
    expect(dialInTelUri('+33 1 86 95 00 00', '12#456')).toBeNull();
    // What a browser makes of it: the whole dial string is in the path, nothing in a fragment.
    const url = new URL('tel:+33186950000,,123456%23');
    expect(url.hash).toBe('');
    expect(decodeURIComponent(url.pathname)).toBe('+33186950000,,123456#');
  });

  it('picks the default number, else the first, and speaks Jitsi', () => {
    const fr = { country: 'FR', number: '+33 1 86 95 00 00', tollFree: false, default: false };
    const be = { country: 'BE', number: '+32 2 555 01 00', tollFree: true, default: true };
    expect(defaultDialIn([fr, be])).toBe(be);
    expect(defaultDialIn([fr, { ...be, default: false }])).toBe(fr);
    expect(defaultDialIn([])).toBeUndefined();
    expect(dialInNumbersForJitsi([fr, { ...be, default: false }])).toEqual([
      { countryCode: 'FR', tollFree: false, formattedNumber: '+33 1 86 95 00 00', default: true },
      { countryCode: 'BE', tollFree: true, formattedNumber: '+32 2 555 01 00', default: false },
    ]);
  });
});
