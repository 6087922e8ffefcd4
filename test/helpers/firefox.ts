import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/*
 * Headless Debian Firefox ESR for the e2e tests, driven by puppeteer-core
 * over WebDriver BiDi. Never a tool's own browser download (puppeteer-core
 * has none; PUPPETEER_SKIP_DOWNLOAD keeps it so). A fresh profile per
 * browser, deleted once it is closed.
 */

export const FIREFOX_PATH = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

export function hasFirefox(): boolean {
  return existsSync(FIREFOX_PATH);
}

/**
 * What the tests need from Firefox, by pref (the profile's user.js):
 * fake camera and mic without a prompt, and, since the tests serve plain
 * http on a veth address (Firefox gathers no usable ICE candidate on
 * loopback alone), getUserMedia and a secure context on that origin.
 */
export function firefoxPrefs(origin: string): Record<string, unknown> {
  return {
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    'media.devices.insecure.enabled': true,
    'media.getusermedia.insecure.enabled': true,
    // A secure context, as on https in production (the device check tells the user otherwise).
    'dom.securecontext.allowlist': new URL(origin).hostname,
    // French, like our users.
    'intl.accept_languages': 'fr-FR, fr',
    'intl.locale.requested': 'fr-FR',
    // Nothing but the test's own traffic.
    'network.connectivity-service.enabled': false,
    'network.captive-portal-service.enabled': false,
    'browser.safebrowsing.update.enabled': false,
    'extensions.update.enabled': false,
    'app.update.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
  };
}

export interface FirefoxBrowser {
  browser: Browser;
  page: Page;
  /** Console lines and page errors, to print when a test fails. */
  logs: string[];
  /** Idempotent: closes Firefox and deletes its profile. */
  close(): Promise<void>;
}

export interface FirefoxOptions {
  /** The origin the test serves the app on (its host gets the secure-context pref). */
  origin: string;
  viewport?: { width: number; height: number };
}

export async function launchFirefox(options: FirefoxOptions): Promise<FirefoxBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'guichet-firefox-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: FIREFOX_PATH,
      headless: true,
      userDataDir: profile,
      extraPrefsFirefox: firefoxPrefs(options.origin),
      defaultViewport: options.viewport ?? { width: 1024, height: 720 },
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
    });
  } catch (error) {
    await removeProfile(profile);
    throw error;
  }
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${String(error)}`));

  let closing: Promise<void> | undefined;
  return {
    browser,
    page,
    logs,
    close() {
      closing ??= (async () => {
        await browser.close().catch(() => undefined);
        await removeProfile(profile);
      })();
      return closing;
    },
  };
}

async function removeProfile(profile: string): Promise<void> {
  await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
