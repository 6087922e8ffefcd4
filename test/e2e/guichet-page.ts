import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { z } from 'zod';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };

/*
 * What an e2e test does with a Guichet page, in the words a user would use
 * (labels, button names), plus the page's receive-side statistics.
 */

/** How long a broken set-up gets before a media check fails (it never fails by itself). */
export const MEDIA_DEADLINE_MS = 15_000;

export const RecvStatsSchema = z.object({
  framesDecoded: z.number(),
  audioPacketsReceived: z.number(),
  audioSamplesReceived: z.number(),
  audioConcealedSamples: z.number(),
  frameWidth: z.number(),
  frameHeight: z.number(),
  candidateRemoteAddress: z.string().optional(),
});
export type RecvStats = z.infer<typeof RecvStatsSchema>;

export async function fillJoinForm(page: Page, displayName: string, password: string): Promise<void> {
  await page.getByLabel(fr['join.name']).fill(displayName);
  await page.getByLabel(fr['join.password']).fill(password);
}

/** Clicks « Rejoindre » (resolves once clicked, not once joined). */
export async function clickJoin(page: Page): Promise<void> {
  await page.getByRole('button', { name: fr['join.submit'] }).click();
}

export async function fillAndJoin(page: Page, displayName: string, password: string): Promise<void> {
  await fillJoinForm(page, displayName, password);
  await clickJoin(page);
}

export async function waitForCallView(page: Page): Promise<void> {
  await page.locator('#view-call').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
}

/** The page's recv-transport summary (window.__guichetDebug, see client/src/main.ts). */
export async function recvStats(page: Page): Promise<RecvStats> {
  const raw: unknown = await page.evaluate(() => window.__guichetDebug?.getRecvStats());
  return RecvStatsSchema.parse(raw);
}

export function remoteTiles(page: Page): Promise<number> {
  return page.locator('[data-peer-id]').count();
}

/** Resolves with the first snapshot in which some remote video frame was decoded. */
export async function waitForFirstFrame(page: Page, intervalMs = 50): Promise<RecvStats> {
  let stats: RecvStats | undefined;
  await expect
    .poll(
      async () => {
        stats = await recvStats(page);
        return stats.framesDecoded;
      },
      { timeout: MEDIA_DEADLINE_MS, interval: intervalMs },
    )
    .toBeGreaterThan(0);
  return RecvStatsSchema.parse(stats);
}

/**
 * Proves media flows into this page: video frames decoded, audio packets
 * received and audio samples played (that counter only moves when the track
 * is attached to a playing <audio>), all rising between two snapshots at
 * least a second apart, over the loopback path.
 */
export async function expectMediaFlowing(page: Page): Promise<RecvStats> {
  await expect
    .poll(
      async () => {
        const s = await recvStats(page);
        return s.framesDecoded > 0 && s.audioPacketsReceived > 0 && s.audioSamplesReceived > 0;
      },
      { timeout: MEDIA_DEADLINE_MS, interval: 100 },
    )
    .toBe(true);
  const first = await recvStats(page);
  const firstAt = Date.now();
  let later = first;
  await expect
    .poll(
      async () => {
        later = await recvStats(page);
        return (
          Date.now() - firstAt >= 1_000 &&
          later.framesDecoded > first.framesDecoded &&
          later.audioPacketsReceived > first.audioPacketsReceived &&
          later.audioSamplesReceived > first.audioSamplesReceived
        );
      },
      { timeout: MEDIA_DEADLINE_MS, interval: 250 },
    )
    .toBe(true);
  expect(later.candidateRemoteAddress).toBe('127.0.0.1');
  return later;
}

/**
 * Starts an in-page stopwatch: from the click on « Rejoindre » (capture
 * phase, before the app sees it) to the first remote video frame presented
 * on screen (requestVideoFrameCallback). Measured inside the page, so
 * Playwright's own latency is not counted. Call before clicking; await after.
 */
export function startFirstFrameStopwatch(page: Page): Promise<number> {
  return page.evaluate(
    (deadlineMs) =>
      new Promise<number>((resolve, reject) => {
        let clickedAt: number | undefined;
        document.getElementById('join-submit')?.addEventListener(
          'click',
          () => {
            clickedAt = performance.now();
          },
          { capture: true, once: true },
        );
        const watched = new WeakSet<HTMLVideoElement>();
        const watch = (): void => {
          for (const video of document.querySelectorAll<HTMLVideoElement>('[data-peer-id] video')) {
            if (watched.has(video)) continue;
            watched.add(video);
            video.requestVideoFrameCallback(() => {
              observer.disconnect();
              if (clickedAt === undefined) reject(new Error('a frame came before the click'));
              else resolve(performance.now() - clickedAt);
            });
          }
        };
        const observer = new MutationObserver(watch);
        observer.observe(document.body, { subtree: true, childList: true });
        setTimeout(() => reject(new Error(`no remote frame within ${deadlineMs} ms`)), deadlineMs);
      }),
    MEDIA_DEADLINE_MS,
  );
}

/** Opens a one-click link (`/r/<room>?t=…`): the form asks for the name only. */
export async function joinByLink(page: Page, link: string, displayName: string): Promise<void> {
  const response = await page.goto(link);
  // A 404 here has meant dist/client being rebuilt by another test run at that moment.
  expect(response?.status(), `GET ${new URL(link).pathname}`).toBe(200);
  expect(await page.getByLabel(fr['join.password']).isVisible()).toBe(false);
  await page.getByLabel(fr['join.name']).fill(displayName);
  await clickJoin(page);
}

/** Waits for the end screen and returns its title. */
export async function endScreenTitle(page: Page): Promise<string | null> {
  await page.locator('#view-ended').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
  return page.locator('#ended-title').textContent();
}
