import { describe, expect, it } from 'vitest';
import { browserFamily, diagnose, type BrowserAbilities } from './device-check.js';
import { GuichetError } from './errors.js';

const OK: BrowserAbilities = { isSecureContext: true, hasPeerConnection: true, hasMediaDevices: true };
const track = {} as MediaStreamTrack;

describe('device check diagnosis', () => {
  it('detects the browser whose settings the steps describe', () => {
    expect(
      browserFamily('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) CriOS/120 Mobile/15E148'),
    ).toBe('ios');
    expect(browserFamily('Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile Safari/537.36')).toBe('android');
    expect(browserFamily('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'firefox',
    );
    expect(browserFamily('Mozilla/5.0 (Macintosh) AppleWebKit/605 Version/17.0 Safari/605.1.15')).toBe(
      'safari',
    );
    expect(browserFamily('Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0 Safari/537.36')).toBe(
      'chrome',
    );
  });

  it('explains each failure in order of what to fix first', () => {
    expect(diagnose({ ...OK, isSecureContext: false }, undefined, 'chrome')).toMatchObject({
      text: 'check.insecure',
    });
    expect(diagnose({ ...OK, hasPeerConnection: false }, undefined, 'chrome')).toMatchObject({
      text: 'check.oldBrowser',
    });
    const denied = new GuichetError('MEDIA_DENIED', 'refused');
    expect(diagnose(OK, { audio: undefined, video: undefined, problem: denied }, 'ios')).toMatchObject({
      title: 'check.deniedTitle',
      steps: 'check.allow.ios',
    });
    const missing = new GuichetError('MEDIA_NOT_FOUND', 'none');
    expect(diagnose(OK, { audio: track, video: undefined, problem: missing }, 'chrome')).toEqual({
      kind: 'audioOnly',
    });
    expect(diagnose(OK, { audio: undefined, video: track, problem: missing }, 'chrome')).toMatchObject({
      title: 'check.noMicTitle',
      text: 'check.noMic',
    });
    expect(diagnose(OK, { audio: undefined, video: undefined, problem: missing }, 'chrome')).toMatchObject({
      title: 'check.notFoundTitle',
      text: 'check.notFound',
    });
    const busy = new GuichetError('MEDIA_IN_USE', 'busy');
    expect(diagnose(OK, { audio: undefined, video: undefined, problem: busy }, 'chrome')).toMatchObject({
      text: 'check.busy',
    });
    expect(diagnose(OK, { audio: track, video: track, problem: undefined }, 'chrome')).toEqual({
      kind: 'ok',
    });
  });
});
