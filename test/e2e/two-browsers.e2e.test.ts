import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import en from '../../client/src/i18n/en.json' with { type: 'json' };
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  MEDIA_DEADLINE_MS,
  clickJoin,
  expectMediaFlowing,
  fillAndJoin,
  fillJoinForm,
  recvStats,
  remoteTiles,
  startFirstFrameStopwatch,
  waitForCallView,
  waitForFirstFrame,
} from './guichet-page.js';

/*
 * The real thing: the built client in headless Chromium, the real server
 * with a real mediasoup worker, media over loopback. Run it inside a
 * loopback-only network namespace (scripts/test.sh does) so no test packet
 * can leave through a real interface.
 */
describe('two browsers in one room', () => {
  let server: TestServer;
  let browsers: TestBrowser[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, browser] of browsers.entries()) {
        console.log(`--- browser ${i} console ---\n${browser.logs.join('\n')}`);
      }
    }
    await Promise.all(browsers.map((browser) => browser.close()));
    browsers = [];
  });

  afterAll(async () => {
    await server?.close();
  });

  async function open(count: number, roomId: string): Promise<TestBrowser[]> {
    const opened = await Promise.all(Array.from({ length: count }, () => launchBrowser()));
    browsers.push(...opened);
    await Promise.all(opened.map(({ page }) => page.goto(`${server.baseUrl}/r/${roomId}`)));
    return opened;
  }

  it('exchange audio and video over loopback; a leaving peer disappears', async () => {
    const room = await server.createRoom();
    const [alice, bruno] = await open(2, room.roomId);
    if (!alice || !bruno) throw new Error('two browsers expected');

    await fillAndJoin(alice.page, 'Alice', room.password);
    await waitForCallView(alice.page);

    // Bruno joins a room where Alice already sends: time to his first frame.
    // Measured twice: in the page (click → first frame on screen), and from
    // here (click → first poll of getStats that shows a decoded frame).
    await fillJoinForm(bruno.page, 'Bruno', room.password);
    const stopwatch = startFirstFrameStopwatch(bruno.page);
    const clickedAt = performance.now();
    await clickJoin(bruno.page);
    await waitForFirstFrame(bruno.page);
    const polledMs = Math.round(performance.now() - clickedAt);
    const inPageMs = Math.round(await stopwatch);
    console.log(
      `second joiner, click « Rejoindre » → first remote frame: ${inPageMs} ms in the page, ` +
        `${polledMs} ms seen through getStats polling`,
    );

    for (const { page } of [alice, bruno]) {
      await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    }
    await Promise.all([expectMediaFlowing(alice.page), expectMediaFlowing(bruno.page)]);
    await expect.poll(() => alice.page.locator('[data-peer-id] .name').textContent()).toBe('Bruno');

    await bruno.page.getByRole('button', { name: fr['call.leave'] }).click();
    await expect.poll(() => remoteTiles(alice.page), { timeout: MEDIA_DEADLINE_MS }).toBe(0);
    await expect.poll(() => bruno.page.locator('#view-ended').isVisible()).toBe(true);
    expect(await bruno.page.locator('#ended-title').textContent()).toBe(fr['ended.leftTitle']);
  });

  // A dead media worker no longer closes the room: test/e2e/worker-fault.e2e.test.ts.

  it('a wrong password shows the French error and receives nothing', async () => {
    const room = await server.createRoom();
    const [alice, carole] = await open(2, room.roomId);
    if (!alice || !carole) throw new Error('two browsers expected');
    // Someone is already sending in the room, so "no media" means something.
    await fillAndJoin(alice.page, 'Alice', room.password);
    await waitForCallView(alice.page);

    await fillAndJoin(carole.page, 'Carole', `${room.password}-wrong`);
    const alert = carole.page.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe(fr['error.WRONG_PASSWORD']);
    expect(await alert.isVisible()).toBe(true);
    expect(await carole.page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await carole.page.locator('#view-join').isVisible()).toBe(true);
    expect(await remoteTiles(carole.page)).toBe(0);
    expect(await remoteTiles(alice.page)).toBe(0);
    const stats = await recvStats(carole.page);
    expect(stats.framesDecoded).toBe(0);
    expect(stats.audioPacketsReceived).toBe(0);

    // The language switch re-renders what is already on screen.
    await carole.page.getByRole('button', { name: fr['lang.switchLabel'] }).click();
    expect(await alert.textContent()).toBe(en['error.WRONG_PASSWORD']);
    expect(await carole.page.locator('html').getAttribute('lang')).toBe('en');
  });
});
