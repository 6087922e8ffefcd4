import { launchBrowser, type TestBrowser } from '../test/helpers/browser.js';
import fr from '../client/src/i18n/fr.json' with { type: 'json' };
import type { Page } from 'playwright-core';
import type { BenchServer } from './lib/server-process.js';
import { median } from './lib/proc.js';

/*
 * Click « Rejoindre » → first decoded remote video frame, in headless
 * Chromium (Debian's, via playwright-core, the e2e tests' flags). One
 * browser is already in the room sending; the other joins, is timed in the
 * page (requestVideoFrameCallback on the remote <video>, as
 * test/e2e/guichet-page.ts does), then reloads and joins again.
 */

export interface FirstFrameResult {
  runs: number[];
  medianMs: number;
  /** Why fewer runs than asked, if so. */
  problem: string | null;
}

function stopwatch(page: Page): Promise<number> {
  return page.evaluate(
    (deadlineMs) =>
      new Promise<number>((resolve, reject) => {
        let clickedAt: number | undefined;
        document
          .getElementById('join-submit')
          ?.addEventListener('click', () => (clickedAt = performance.now()), {
            capture: true,
            once: true,
          });
        const watched = new WeakSet<HTMLVideoElement>();
        const observer = new MutationObserver(() => {
          for (const video of document.querySelectorAll<HTMLVideoElement>('[data-peer-id] video')) {
            if (watched.has(video)) continue;
            watched.add(video);
            video.requestVideoFrameCallback(() => {
              observer.disconnect();
              if (clickedAt === undefined) reject(new Error('a frame came before the click'));
              else resolve(performance.now() - clickedAt);
            });
          }
        });
        observer.observe(document.body, { subtree: true, childList: true });
        setTimeout(() => reject(new Error(`no remote frame within ${deadlineMs} ms`)), deadlineMs);
      }),
    15_000,
  );
}

async function fill(page: Page, name: string, password: string): Promise<void> {
  await page.getByLabel(fr['join.name']).fill(name);
  await page.getByLabel(fr['join.password']).fill(password);
}

export async function firstFrame(
  server: BenchServer,
  runs: number,
  deadline: number,
): Promise<FirstFrameResult> {
  const browsers: TestBrowser[] = [];
  const times: number[] = [];
  try {
    const room = await server.createRoom();
    const url = `${server.url}/r/${room.roomId}`;
    const [sender, joiner] = await Promise.all([launchBrowser(), launchBrowser()]);
    browsers.push(sender, joiner);
    await sender.page.goto(url);
    await fill(sender.page, 'Agent', room.password);
    await sender.page.getByRole('button', { name: fr['join.submit'] }).click();
    await sender.page.locator('#view-call').waitFor({ state: 'visible', timeout: 15_000 });
    for (let i = 0; i < runs && Date.now() < deadline; i += 1) {
      await joiner.page.goto(url);
      await fill(joiner.page, `Citoyen ${i}`, room.password);
      const watch = stopwatch(joiner.page);
      await joiner.page.getByRole('button', { name: fr['join.submit'] }).click();
      times.push(Math.round(await watch));
    }
    return { runs: times, medianMs: median(times), problem: null };
  } catch (error) {
    return { runs: times, medianMs: median(times), problem: String(error).slice(0, 300) };
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
  }
}
