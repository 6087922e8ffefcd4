import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fillJoinForm, waitForCallView } from './guichet-page.js';

/*
 * Phones first: the join page and the call screen on a phone held upright
 * and sideways, and on a tablet. The join button is on screen without
 * scrolling, the call controls are all on screen and none overlaps
 * another. Screenshots go to /tmp for a human look.
 */
const LAYOUTS = [
  { name: 'phone-portrait', width: 390, height: 844 },
  { name: 'phone-landscape', width: 844, height: 390 },
  { name: 'tablet', width: 820, height: 1180 },
] as const;

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

async function visibleBoxes(page: Page, selector: string): Promise<Box[]> {
  return page.$$eval(selector, (elements) =>
    elements
      .filter((e) => e instanceof HTMLElement && e.offsetParent !== null)
      .map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.id, x: r.x, y: r.y, width: r.width, height: r.height };
      }),
  );
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function expectInside(box: Box, viewport: { width: number; height: number }): void {
  expect(box.x, box.id).toBeGreaterThanOrEqual(0);
  expect(box.y, box.id).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, box.id).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box.y + box.height, box.id).toBeLessThanOrEqual(viewport.height + 0.5);
}

describe('phone, tablet and desktop layouts', () => {
  let server: TestServer;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('join page and call controls fit, visible and not overlapping', async () => {
    browser = await launchBrowser({ viewport: LAYOUTS[0] });
    const { page } = browser;
    const room = await server.createRoom();
    for (const layout of LAYOUTS) {
      await page.setViewportSize(layout);
      // A query that changes per layout: a new document each time, not a fragment jump.
      await page.goto(`${server.baseUrl}/r/${room.roomId}?layout=${layout.name}`);
      await fillJoinForm(page, 'Alice', room.password);
      await expect
        .poll(() => page.locator('#mic-select option').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
      await page.screenshot({ path: `/tmp/guichet-join-${layout.name}.png` });
      // From the link, the join button is on screen in portrait (second tap).
      if (layout.height > layout.width) {
        const [join] = await visibleBoxes(page, '#join-submit');
        if (!join) throw new Error('no join button');
        expectInside(join, layout);
      }

      await page.getByRole('button', { name: fr['join.submit'] }).click();
      await waitForCallView(page);
      await expect.poll(() => page.locator('#mic-toggle').isEnabled(), { timeout: 15_000 }).toBe(true);
      await page.screenshot({ path: `/tmp/guichet-call-${layout.name}.png` });
      const controls = await visibleBoxes(page, '.controls > button');
      expect(controls.length).toBeGreaterThanOrEqual(4);
      for (const box of controls) expectInside(box, layout);
      for (const [i, a] of controls.entries()) {
        for (const b of controls.slice(i + 1)) expect(overlaps(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
      }
      await page.getByRole('button', { name: fr['call.leave'] }).click();
      await page.locator('#view-ended').waitFor({ state: 'visible' });
    }
  });
});
