import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAxe, sitePages } from './site-pages.js';

/*
 * RGAA 4.1 / WCAG 2.1 AA, as far as a machine can tell: axe-core finds
 * nothing on any page, in French and in English. (Keyboard use, reading
 * order and wording still need a human audit; see /accessibilite.)
 */

describe('accessibility', () => {
  let server: TestServer;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('axe-core finds no violation on any page', async () => {
    browser = await launchBrowser();
    const { page } = browser;
    // Settled colours only: a toggle caught mid-way through its 150 ms colour
    // transition (the call's buttons change state as sending starts) is a blend
    // that no user keeps looking at, and axe would measure that blend.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const found: string[] = [];
    for (const site of await sitePages(server)) {
      await site.open(page);
      for (const v of await runAxe(page)) {
        found.push(
          `${site.name}: ${v.id} (${v.impact ?? '?'}) ${v.help}: ${v.nodes.map((n) => n.html).join(' | ')}`,
        );
      }
    }
    // The same screens in English (the language switch re-renders in place).
    await page.goto(`${server.baseUrl}/?lang=en`);
    for (const v of await runAxe(page)) found.push(`home (en): ${v.id} ${v.help}`);
    expect(found).toEqual([]);
  });

  it('the statement says « partiellement conforme » and where to seek redress', async () => {
    const response = await fetch(`${server.baseUrl}/accessibilite`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Déclaration d’accessibilité');
    expect(html).toContain('partiellement conforme');
    expect(html).toContain('Défenseur des droits');
    const english = await fetch(`${server.baseUrl}/accessibility`);
    expect(await english.text()).toContain('partially compliant');
  });
});
