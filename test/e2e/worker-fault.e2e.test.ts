import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectMediaFlowing, fillAndJoin, recvStats, remoteTiles, waitForCallView } from './guichet-page.js';

/*
 * A mediasoup worker SIGKILLed under a call of three Chromium pages: the
 * room, its members and their places stay; the server reopens the room's
 * media on the respawned worker and every page rebuilds its transports,
 * producers and consumers by itself. Nobody clicks anything, nobody sees an
 * end screen: only the short « Reconnexion… » notice.
 */
const BACK_WITHIN_MS = 5_000;

describe('media worker fault in the browser', () => {
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

  const debug = (page: Page) => ({
    restarts: (): Promise<number> => page.evaluate(() => window.__guichetDebug?.mediaRestarts() ?? -1),
    peerId: (): Promise<string | undefined> => page.evaluate(() => window.__guichetDebug?.peerId()),
  });

  it('three pages decode video again within 5 s of kill -9 of the room’s worker, with no click', async () => {
    const room = await server.createRoom();
    browsers = await Promise.all([launchBrowser(), launchBrowser(), launchBrowser()]);
    const pages = browsers.map((b) => b.page);
    for (const page of pages) await page.goto(`${server.baseUrl}/r/${room.roomId}`);
    for (const [i, page] of pages.entries()) {
      await fillAndJoin(page, `Personne ${i + 1}`, room.password);
      await waitForCallView(page);
    }
    for (const page of pages) await expect.poll(() => remoteTiles(page), { timeout: 15_000 }).toBe(2);
    await Promise.all(pages.map((page) => expectMediaFlowing(page)));
    const peerIds = await Promise.all(pages.map((page) => debug(page).peerId()));

    const [pid] = server.guichet.media.workerPids();
    if (pid === undefined) throw new Error('no worker');
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');

    // Each page: its media rebuilt once, and video decoded on the new receive transport.
    const backAfter = await Promise.all(
      pages.map(async (page) => {
        await expect
          .poll(
            async () => (await debug(page).restarts()) === 1 && (await recvStats(page)).framesDecoded > 0,
            { timeout: BACK_WITHIN_MS + 5_000, interval: 50 },
          )
          .toBe(true);
        return Date.now() - killedAt;
      }),
    );
    console.log(`worker-fault e2e: video decoded again ${backAfter.join(' / ')} ms after the kill`);
    for (const ms of backAfter) expect(ms).toBeLessThan(BACK_WITHIN_MS);

    for (const [i, page] of pages.entries()) {
      // Same place, still the call, never the end screen; the notice came and went.
      expect(await debug(page).peerId()).toBe(peerIds[i]);
      expect(await page.locator('#view-call').isVisible()).toBe(true);
      expect(await page.locator('#view-ended').isVisible()).toBe(false);
      expect(await remoteTiles(page)).toBe(2);
      await expect
        .poll(() => page.locator('#call-banner').textContent(), { timeout: 10_000, interval: 50 })
        .not.toBe(fr['call.mediaRestarting']);
    }
    await Promise.all(pages.map((page) => expectMediaFlowing(page)));
  }, 120_000);
});
