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
