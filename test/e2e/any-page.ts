import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { expect } from 'vitest';
import { MEDIA_DEADLINE_MS, RecvStatsSchema, type RecvStats } from './guichet-page.js';

/*
 * One page, whichever browser drives it: Chromium through Playwright or
 * Firefox through puppeteer-core (WebDriver BiDi), so one test can put the
 * agent in one and the citizen in the other. Clicks and typing go through
 * each tool's real input; what the page shows is read in the page itself,
 * the same way for both.
 */

export interface AnyPage {
  readonly engine: 'chromium' | 'firefox';
  /** The HTTP status of the document, when the driver tells it. */
  goto(url: string): Promise<number | undefined>;
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** A real click on the first element matching a CSS selector, once it is visible and enabled. */
  click(selector: string): Promise<void>;
  /** Replaces the value of a field with real key strokes. */
  fill(selector: string, value: string): Promise<void>;
}

/*
 * Both tools serialise the function and its argument into the page; their
 * own typings unwrap handles in the argument, which plain values never are.
 */
type Evaluate = AnyPage['evaluate'];

export function fromPlaywright(page: PlaywrightPage): AnyPage {
  return {
    engine: 'chromium',
    async goto(url) {
      return (await page.goto(url))?.status();
    },
    evaluate: page.evaluate.bind(page) as Evaluate,
    click: (selector) => page.locator(selector).first().click(),
    fill: (selector, value) => page.locator(selector).first().fill(value),
  };
}

export function fromPuppeteer(page: PuppeteerPage): AnyPage {
  return {
    engine: 'firefox',
    async goto(url) {
      return (await page.goto(url))?.status();
    },
    evaluate: page.evaluate.bind(page) as Evaluate,
    async click(selector) {
      await page.locator(selector).click();
    },
    async fill(selector, value) {
      await page.locator(selector).fill(value);
    },
  };
}

/** Whether the element is on screen the way a user would see it (a box, not visibility: hidden). */
export function isVisible(page: AnyPage, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  }, selector);
}

export async function waitVisible(
  page: AnyPage,
  selector: string,
  timeout = MEDIA_DEADLINE_MS,
): Promise<void> {
  await expect.poll(() => isVisible(page, selector), { timeout, message: `${selector} visible` }).toBe(true);
}

export function textOf(page: AnyPage, selector: string): Promise<string | null> {
  return page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
}

export function attrOf(page: AnyPage, selector: string, name: string): Promise<string | null> {
  return page.evaluate(([sel, attr]) => document.querySelector(sel)?.getAttribute(attr) ?? null, [
    selector,
    name,
  ] as const);
}

export function countOf(page: AnyPage, selector: string): Promise<number> {
  return page.evaluate((sel) => document.querySelectorAll(sel).length, selector);
}

let nextTarget = 0;

/**
 * A real click on the visible button (inside `within`) whose label or
 * accessible name is exactly `name`, as a user picks it by its words.
 */
export async function clickButton(page: AnyPage, name: string, within = 'body'): Promise<void> {
  const mark = `b${(nextTarget += 1)}`;
  await expect
    .poll(
      () =>
        page.evaluate(
          ([scope, label, id]) => {
            for (const button of document.querySelectorAll<HTMLElement>(`${scope} button`)) {
              const words = (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
              if (words !== label || button.getClientRects().length === 0) continue;
              if (button.matches(':disabled')) return false;
              button.dataset['e2eTarget'] = id;
              return true;
            }
            return false;
          },
          [within, name, mark] as const,
        ),
      { timeout: MEDIA_DEADLINE_MS, message: `button « ${name} » in ${within}` },
    )
    .toBe(true);
  await page.click(`[data-e2e-target="${mark}"]`);
}

/** The page's recv-transport summary (window.__guichetDebug, see client/src/main.ts). */
export async function recvStatsOf(page: AnyPage): Promise<RecvStats> {
  const raw: unknown = await page.evaluate(() => window.__guichetDebug?.getRecvStats(), undefined);
  return RecvStatsSchema.parse(raw);
}

/**
 * Proves media flows into this page, read from its getStats: video frames
 * decoded, audio packets received and audio samples played, all rising
 * between two snapshots at least a second apart, over the path ICE chose to
 * `address`.
 */
export async function expectMediaFlowingOn(page: AnyPage, address: string): Promise<RecvStats> {
  const first = await pollStats(
    page,
    (s) => s.framesDecoded > 0 && s.audioPacketsReceived > 0 && s.audioSamplesReceived > 0,
  );
  const firstAt = Date.now();
  const later = await pollStats(
    page,
    (s) =>
      Date.now() - firstAt >= 1_000 &&
      s.framesDecoded > first.framesDecoded &&
      s.audioPacketsReceived > first.audioPacketsReceived &&
      s.audioSamplesReceived > first.audioSamplesReceived,
  );
  expect(later.candidateRemoteAddress, `${page.engine}: the remote ICE candidate`).toBe(address);
  return later;
}

async function pollStats(page: AnyPage, done: (stats: RecvStats) => boolean): Promise<RecvStats> {
  let last: RecvStats | undefined;
  await expect
    .poll(
      async () => {
        last = await recvStatsOf(page);
        return done(last);
      },
      { timeout: MEDIA_DEADLINE_MS, interval: 200, message: `${page.engine}: media flowing` },
    )
    .toBe(true);
  return RecvStatsSchema.parse(last);
}
