import type { Page } from 'playwright-core';
import { withDe } from '../../client/src/i18n/elision.js';

/* The two sizes issue 16 is checked at, and what its tests share. */

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/** A French message with its placeholders filled, as the page's t() does ({deName} included). */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name in vars) return vars[name] ?? whole;
    if (name === 'deName' && vars['name'] !== undefined) return withDe(vars['name']);
    return whole;
  });
}

/**
 * Screenshots of the page's current state at both sizes (its own first),
 * as /tmp/guichet-ux-<name>-<width>.png, then its own size back.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  const own = page.viewportSize() ?? PHONE;
  const other = own.width === PHONE.width ? DESKTOP : PHONE;
  for (const size of [own, other]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `/tmp/guichet-ux-${name}-${size.width}.png` });
  }
  await page.setViewportSize(own);
}

/**
 * A phone's cameras, as the page sees them. A phone has a front and a rear
 * camera, and each says which way it faces (getSettings().facingMode);
 * Chromium's one fake camera says neither. This gives the fake camera's
 * tracks the facing a phone reports for the camera the page asked for
 * (`facingMode: { ideal: 'environment' }` → 'environment', else 'user').
 * The picture, its size, the socket message, the server and the agent's
 * page stay the real ones.
 */
export async function emulatePhoneCameras(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const facing = new WeakMap<MediaStreamTrack, string>();
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
      const stream = await getUserMedia(constraints);
      const video = constraints?.video;
      const asked = typeof video === 'object' ? video.facingMode : undefined;
      const wanted =
        typeof asked === 'string'
          ? asked
          : typeof asked === 'object' && !Array.isArray(asked)
            ? String(asked.ideal ?? asked.exact ?? '')
            : '';
      for (const track of stream.getVideoTracks()) {
        facing.set(track, wanted === 'environment' ? 'environment' : 'user');
      }
      return stream;
    };
    const getSettings = MediaStreamTrack.prototype.getSettings;
    MediaStreamTrack.prototype.getSettings = function (this: MediaStreamTrack): MediaTrackSettings {
      const settings = getSettings.call(this);
      const side = facing.get(this);
      return side ? { ...settings, facingMode: side } : settings;
    };
  });
}
