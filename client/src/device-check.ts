import type { MessageKey } from './i18n/i18n.js';
import type { LocalMedia } from './local-media.js';

/*
 * The pre-join diagnosis: from what the browser offers and what capture
 * gave, one plain sentence saying what is wrong and what to do. Pure, so
 * every case is unit-tested without a browser.
 */

/** Whose settings screens the "how to allow the camera" steps describe. */
export type BrowserFamily = 'android' | 'ios' | 'firefox' | 'safari' | 'chrome';

export function browserFamily(userAgent: string): BrowserFamily {
  const ua = userAgent.toLowerCase();
  // iOS first: every browser there is Safari underneath (CriOS, FxiOS included).
  if (/iphone|ipad|ipod/.test(ua) || (ua.includes('macintosh') && ua.includes('mobile/'))) return 'ios';
  if (ua.includes('firefox/') || ua.includes('fxios/')) return 'firefox';
  if (ua.includes('android')) return 'android';
  if (ua.includes('safari/') && !ua.includes('chrome/') && !ua.includes('chromium/')) return 'safari';
  return 'chrome';
}

export interface BrowserAbilities {
  isSecureContext: boolean;
  hasPeerConnection: boolean;
  hasMediaDevices: boolean;
}

export function browserAbilities(w: Window): BrowserAbilities {
  return {
    isSecureContext: w.isSecureContext,
    hasPeerConnection: typeof Reflect.get(w, 'RTCPeerConnection') === 'function',
    // Only secure pages get navigator.mediaDevices, so check the origin first.
    hasMediaDevices: typeof w.navigator.mediaDevices?.getUserMedia === 'function',
  };
}

export type Diagnosis =
  | { kind: 'ok' }
  | { kind: 'audioOnly' }
  | { kind: 'problem'; title: MessageKey; text: MessageKey; steps?: MessageKey; canRetry: boolean };

/** What to tell the citizen, given the browser and the result of capture. */
export function diagnose(
  abilities: BrowserAbilities,
  media: Pick<LocalMedia, 'audio' | 'video' | 'problem'> | undefined,
  family: BrowserFamily,
): Diagnosis {
  if (!abilities.isSecureContext) {
    return { kind: 'problem', title: 'check.insecureTitle', text: 'check.insecure', canRetry: false };
  }
  if (!abilities.hasPeerConnection || !abilities.hasMediaDevices) {
    return { kind: 'problem', title: 'check.oldBrowserTitle', text: 'check.oldBrowser', canRetry: false };
  }
  if (!media) return { kind: 'ok' };
  switch (media.problem?.code) {
    case undefined:
      return media.video ? { kind: 'ok' } : { kind: 'audioOnly' };
    case 'MEDIA_DENIED':
      return {
        kind: 'problem',
        title: 'check.deniedTitle',
        text: 'check.denied',
        steps: `check.allow.${family}`,
        canRetry: true,
      };
    case 'MEDIA_NOT_FOUND':
      if (media.audio) return { kind: 'audioOnly' };
      return {
        kind: 'problem',
        title: media.video ? 'check.noMicTitle' : 'check.notFoundTitle',
        text: media.video ? 'check.noMic' : 'check.notFound',
        canRetry: true,
      };
    case 'MEDIA_IN_USE':
      return { kind: 'problem', title: 'check.busyTitle', text: 'check.busy', canRetry: true };
    default:
      return { kind: 'problem', title: 'check.failedTitle', text: 'check.failed', canRetry: true };
  }
}
