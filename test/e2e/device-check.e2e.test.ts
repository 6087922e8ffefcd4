import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PHONE, shoot } from './ux-helpers.js';

/*
 * The join page's device check with Chromium's fake devices: the preview
 * plays, the level meter follows a WAV played as the microphone, the
 * pickers list the devices; and a refused permission gets the French
 * explanation with the steps for this browser.
 */

/** Beeps (440 Hz, 0.3 s on, 0.2 s off): a steady tone would be taken for noise and suppressed. */
function beepWav(path: string): void {
  const rate = 48_000;
  const seconds = 4;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) {
    const on = (i / rate) % 0.5 < 0.3;
    data.writeInt16LE(on ? Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 20_000) : 0, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

describe('device check', () => {
  let server: TestServer;
  let browser: TestBrowser | undefined;
  const wav = join(tmpdir(), `guichet-beeps-${process.pid}.wav`);

  beforeAll(async () => {
    beepWav(wav);
    server = await startTestServer();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') console.log(browser?.logs.join('\n'));
    await browser?.close();
    browser = undefined;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('previews the camera, moves the level meter with the microphone, lists the devices', async () => {
    browser = await launchBrowser({ args: [`--use-file-for-fake-audio-capture=${wav}`] });
    const { page } = browser;
    const room = await server.createRoom();
    await page.goto(`${server.baseUrl}/r/${room.roomId}`);

    const playing = (): Promise<boolean> =>
      page.evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('#preview-video');
        return !!video && video.videoWidth > 0 && !video.paused && video.currentTime > 0;
      });
    await expect.poll(playing, { timeout: 15_000 }).toBe(true);
    expect(await page.locator('#preview-status').textContent()).toBe(fr['join.previewReady']);

    // The meter rises with a beep and falls in the silence after it.
    const levels: number[] = [];
    await expect
      .poll(
        async () => {
          levels.push(await page.locator('#mic-level').evaluate((m: HTMLMeterElement) => m.value));
          return Math.max(...levels) > 0.1 && levels.some((l) => l < 0.05);
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(true);

    const cameras = await page.locator('#camera-select option').allTextContents();
    const mics = await page.locator('#mic-select option').allTextContents();
    expect(cameras.length).toBeGreaterThan(0);
    expect(mics.length).toBeGreaterThan(0);
    expect(await page.getByLabel(fr['check.camera'], { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('#device-diagnosis').isHidden()).toBe(true);

    // Another microphone: the preview's track follows the choice.
    if (mics.length > 1) {
      const second = await page.locator('#mic-select option').nth(1).getAttribute('value');
      await page.getByLabel(fr['check.mic'], { exact: true }).selectOption(second ?? '');
      await expect
        .poll(() =>
          page.evaluate(() => {
            const stream = document.querySelector<HTMLVideoElement>('#preview-video')?.srcObject;
            return stream instanceof MediaStream
              ? stream.getAudioTracks()[0]?.getSettings().deviceId
              : undefined;
          }),
        )
        .toBe(second);
    }
  });

  it('a refused permission says so in French, with the steps for this browser', async () => {
    browser = await launchBrowser({ denyMedia: true });
    const { page } = browser;
    const room = await server.createRoom();
    await page.goto(`${server.baseUrl}/r/${room.roomId}`);
    const box = page.locator('#device-diagnosis');
    await box.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#diagnosis-title').textContent()).toBe(fr['check.deniedTitle']);
    expect(await page.locator('#diagnosis-text').textContent()).toBe(fr['check.denied']);
    // Headless Chromium on Linux: the desktop Chrome steps.
    expect(await page.locator('#diagnosis-steps').textContent()).toBe(fr['check.allow.chrome']);
    expect(await page.getByRole('button', { name: fr['check.retry'] }).isVisible()).toBe(true);
    expect(await box.getAttribute('role')).toBe('status');
  });

  it('on a phone, the diagnosis and « Réessayer » come first, above the fold, with one instruction', async () => {
    browser = await launchBrowser({ denyMedia: true, viewport: PHONE });
    const { page } = browser;
    const room = await server.createRoom();
    await page.goto(`${server.baseUrl}/r/${room.roomId}`);
    await page.locator('#device-diagnosis').waitFor({ state: 'visible', timeout: 15_000 });
    const retry = await page.getByRole('button', { name: fr['check.retry'] }).boundingBox();
    const join = await page.locator('#join-submit').boundingBox();
    if (!retry || !join) throw new Error('no retry or join button');
    expect(retry.y + retry.height).toBeLessThanOrEqual(PHONE.height);
    expect(retry.y).toBeLessThan(join.y);
    // The preview says only what it shows; what to do is said once, in the diagnosis.
    expect(await page.locator('#preview-status').textContent()).toBe(fr['join.previewNone']);
    expect(await page.locator('#view-join').textContent()).not.toContain('rechargez');
    // No mic: no « Parlez : la barre doit bouger ».
    expect(await page.locator('#mic-check').isHidden()).toBe(true);
    await shoot(page, 'join-denied');
  });

  it('with neither a camera nor a mic, the title says both are missing', async () => {
    browser = await launchBrowser({ noDevices: true, viewport: PHONE });
    const { page } = browser;
    const room = await server.createRoom();
    await page.goto(`${server.baseUrl}/r/${room.roomId}`);
    await page.locator('#device-diagnosis').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#diagnosis-title').textContent()).toBe(fr['check.notFoundTitle']);
    expect(fr['check.notFoundTitle']).toBe('Aucun micro ni caméra trouvés');
    expect(await page.locator('#diagnosis-text').textContent()).toBe(fr['check.notFound']);
    expect(await page.locator('#mic-check').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: fr['check.retry'] }).isVisible()).toBe(true);
    await shoot(page, 'join-no-devices');
  });
});
