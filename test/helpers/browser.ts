import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Headless Debian Chromium for the e2e tests. Never a tool's own browser
 * download. --allow-loopback-in-peer-connection is what lets Chromium
 * gather candidates when 127.0.0.1 is the only address (the tests run in a
 * loopback-only namespace); without it a call stays in `new` for ever.
 */

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Fake camera and mic, and no permission prompt.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Without it Chromium gathers no candidate when 127.0.0.1 is the only
  // address, and ICE stays in 'new' forever without ever failing.
  '--allow-loopback-in-peer-connection',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors, to print when a test fails. */
  logs: string[];
  /** Idempotent: closes the browser and deletes its profile. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra Chromium flags, after the defaults. */
  args?: string[];
  /** navigator.language; French unless a test says otherwise, like our users. */
  locale?: string;
  /** The window size; a desktop-ish 1024×720 by default. */
  viewport?: { width: number; height: number };
  /** No automatic "allow" for camera and mic: getUserMedia fails with NotAllowedError. */
  denyMedia?: boolean;
  /** No fake camera or mic at all: getUserMedia fails with NotFoundError. */
  noDevices?: boolean;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  // A fresh profile per browser: no permission, storage or cache leaks between tests.
  const profile = await mkdtemp(join(tmpdir(), 'guichet-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        ...CHROMIUM_ARGS.filter(
          (arg) =>
            !(options.denyMedia && arg === '--use-fake-ui-for-media-stream') &&
            !(options.noDevices && arg === '--use-fake-device-for-media-stream'),
        ),
        ...(options.args ?? []),
      ],
      locale: options.locale ?? 'fr-FR',
      viewport: options.viewport ?? { width: 1024, height: 720 },
    });
  } catch (error) {
    await removeProfile(profile);
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));

  let closing: Promise<void> | undefined;
  return {
    context,
    page,
    logs,
    close() {
      closing ??= (async () => {
        await context.close().catch(() => undefined);
        await removeProfile(profile);
      })();
      return closing;
    },
  };
}

// Chromium may still be writing to the profile for a moment after it exits (ENOTEMPTY).
async function removeProfile(profile: string): Promise<void> {
  await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
