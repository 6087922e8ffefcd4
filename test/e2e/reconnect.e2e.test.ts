import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  expectMediaFlowing,
  fillAndJoin,
  remoteTiles,
  waitForCallView,
  waitForFirstFrame,
} from './guichet-page.js';

/*
 * Staying in the call: the signaling connection is cut under the page (as a
 * network loss would), and the page gets its own place back (same peer id,
 * nobody saw it leave) with media flowing again; then ICE is restarted on
 * every transport and media flows again.
 */
describe('reconnection', () => {
  let server: TestServer;
  let browsers: TestBrowser[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, b] of browsers.entries()) console.log(`--- browser ${i} ---\n${b.logs.join('\n')}`);
    }
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
  });

  afterAll(async () => {
    await server?.close();
  });

  const peerId = (page: Page): Promise<string | undefined> =>
    page.evaluate(() => window.__guichetDebug?.peerId());

  it('after a cut signaling connection: same place within 10 s, media flowing again', async () => {
    const room = await server.createRoom();
    browsers = await Promise.all([launchBrowser(), launchBrowser()]);
    const [alice, bruno] = browsers.map((b) => b.page);
    if (!alice || !bruno) throw new Error('two browsers expected');
    for (const page of [alice, bruno]) await page.goto(`${server.baseUrl}/r/${room.roomId}`);
    await fillAndJoin(alice, 'Alice', room.password);
    await waitForCallView(alice);
    await fillAndJoin(bruno, 'Bruno', room.password);
    await waitForFirstFrame(bruno);
    await Promise.all([expectMediaFlowing(alice), expectMediaFlowing(bruno)]);
    const before = await peerId(alice);
    expect(before).toBeDefined();

    const cutAt = Date.now();
    await alice.evaluate(() => window.__guichetDebug?.dropSignaling());
    const banner = alice.locator('#call-banner');
    await expect
      .poll(() => banner.textContent(), { timeout: 10_000, interval: 50 })
      .toBe(fr['call.reconnected']);
    const backInMs = Date.now() - cutAt;
    console.log(`signaling cut → back in the room: ${backInMs} ms`);
    expect(backInMs).toBeLessThan(10_000);
    expect(await peerId(alice)).toBe(before);
    expect(await alice.locator('#view-call').isVisible()).toBe(true);
    // Bruno never saw Alice leave, and Alice did not go back to a lobby.
    expect(await remoteTiles(bruno)).toBe(1);
    await expect.poll(() => remoteTiles(alice), { timeout: 10_000 }).toBe(1);
    await Promise.all([expectMediaFlowing(alice), expectMediaFlowing(bruno)]);
  });

  it('a forced ICE restart keeps media flowing', async () => {
    const room = await server.createRoom();
    browsers = await Promise.all([launchBrowser(), launchBrowser()]);
    const [alice, bruno] = browsers.map((b) => b.page);
    if (!alice || !bruno) throw new Error('two browsers expected');
    for (const page of [alice, bruno]) await page.goto(`${server.baseUrl}/r/${room.roomId}`);
    await fillAndJoin(alice, 'Alice', room.password);
    await waitForCallView(alice);
    await fillAndJoin(bruno, 'Bruno', room.password);
    await Promise.all([expectMediaFlowing(alice), expectMediaFlowing(bruno)]);

    const restarted = await alice.evaluate(() => window.__guichetDebug?.restartIce());
    // Both of Alice's transports (send and receive) got fresh ICE credentials.
    expect(restarted).toBe(2);
    await Promise.all([expectMediaFlowing(alice), expectMediaFlowing(bruno)]);
  });
});
