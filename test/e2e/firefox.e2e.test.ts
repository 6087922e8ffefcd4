import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import type { AppointmentView } from '../../signaling/protocol/index.js';
import { apiClient } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { ManualClock } from '../helpers/clock.js';
import { FIREFOX_PATH, hasFirefox, launchFirefox } from '../helpers/firefox.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { openTestLink, type TestLink } from '../helpers/test-link.js';
import {
  attrOf,
  clickButton,
  countOf,
  expectMediaFlowingOn,
  fromPlaywright,
  fromPuppeteer,
  isVisible,
  recvStatsOf,
  textOf,
  waitVisible,
  type AnyPage,
} from './any-page.js';
import { MEDIA_DEADLINE_MS } from './guichet-page.js';

/*
 * The main flows in Debian's Firefox ESR (puppeteer-core over WebDriver
 * BiDi), against the real server and a real mediasoup worker: the join
 * form, the lobby and admission, the call with media both ways (getStats on
 * both sides), document mode and the end. Mostly mixed: the citizen in
 * Firefox with the agent in Chromium, and the other way round (an
 * administration's desktop is often Firefox ESR, the citizen's anything).
 *
 * Firefox gathers no usable ICE candidate when loopback is all there is, so
 * the server and both browsers use a veth pair made inside the test's own
 * network namespace (test/helpers/test-link.ts), never a real interface.
 */

if (!hasFirefox()) {
  console.warn(`Firefox e2e skipped: no Firefox ESR at ${FIREFOX_PATH} (apt-get install firefox-esr)`);
}

describe.skipIf(!hasFirefox())('main flows in Firefox ESR', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let link: TestLink;
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let opened: { logs: string[]; close(): Promise<void> }[] = [];

  beforeAll(async () => {
    link = await openTestLink();
    server = await startTestServer(
      { HOST: link.address, MEDIA_LISTEN_IP: link.address, SERVICE_NAME: 'Mairie de Lyon' },
      { clock: clock.now, runScheduler: false },
    );
    api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, browser] of opened.entries()) {
        console.log(`--- browser ${i} console ---\n${browser.logs.join('\n')}`);
      }
    }
    await Promise.all(opened.map((browser) => browser.close()));
    opened = [];
  });

  afterAll(async () => {
    await server?.close();
    await link?.close();
  });

  async function firefox(): Promise<AnyPage> {
    const browser = await launchFirefox({ origin: server.baseUrl });
    opened.push(browser);
    return fromPuppeteer(browser.page);
  }

  async function chromium(): Promise<AnyPage> {
    // The veth address is plain http: Chromium gives getUserMedia only to a secure context.
    const browser = await launchBrowser({
      args: [`--unsafely-treat-insecure-origin-as-secure=${server.baseUrl}`],
    });
    opened.push(browser);
    return fromPlaywright(browser.page);
  }

  async function book(): Promise<AppointmentView> {
    clock.set('2026-12-03T09:00:00Z');
    const view = await api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    clock.set('2026-12-03T13:20:00Z');
    return view;
  }

  async function open(page: AnyPage, url: string): Promise<void> {
    expect(await page.goto(url), `${page.engine}: GET ${new URL(url).pathname}`).toBe(200);
    // As on https in production (the prefs and flags above): the device check has nothing to object to.
    expect(await page.evaluate(() => window.isSecureContext, undefined)).toBe(true);
  }

  /** The one-click link: the name comes from the booking, one click on « Rejoindre ». */
  async function joinByLink(page: AnyPage, url: string, name: string): Promise<void> {
    await open(page, url);
    const prefilled = (): Promise<string | undefined> =>
      page.evaluate(() => document.querySelector<HTMLInputElement>('#display-name')?.value, undefined);
    await expect.poll(prefilled, { timeout: MEDIA_DEADLINE_MS }).toBe(name);
    expect(await isVisible(page, '#password')).toBe(false);
    await expectDeviceCheck(page);
    await page.click('#join-submit');
  }

  /** The pre-join check: the preview plays, the mic meter moves (Chromium), both devices listed by name. */
  async function expectDeviceCheck(page: AnyPage): Promise<void> {
    const check = (): Promise<{ video: number; level: number; cameras: string[]; mics: string[] }> =>
      page.evaluate(() => {
        const names = (id: string): string[] =>
          [...(document.querySelector<HTMLSelectElement>(id)?.options ?? [])].map((o) => o.text);
        return {
          video: document.querySelector<HTMLVideoElement>('#preview-video')?.videoWidth ?? 0,
          level: document.querySelector<HTMLMeterElement>('#mic-level')?.value ?? 0,
          cameras: names('#camera-select'),
          mics: names('#mic-select'),
        };
      }, undefined);
    let last = await check();
    await expect
      .poll(
        async () => {
          last = await check();
          // Headless Firefox here has no audio output device, and its AudioContext never leaves
          // 'suspended' (a real click and the autoplay prefs change nothing): its meter stays at 0.
          const meter = page.engine === 'firefox' || last.level > 0;
          return last.video > 0 && meter && last.cameras.length > 0 && last.mics.length > 0;
        },
        { timeout: MEDIA_DEADLINE_MS },
      )
      .toBe(true)
      .catch((error: unknown) => {
        throw new Error(`${page.engine}: device check: ${JSON.stringify(last)}`, { cause: error });
      });
    for (const label of [...last.cameras, ...last.mics]) expect(label.trim()).not.toBe('');
    console.log(
      `${page.engine} device check: cameras ${JSON.stringify(last.cameras)}, mics ${JSON.stringify(last.mics)}`,
    );
  }

  async function bothSeeEachOther(a: AnyPage, b: AnyPage): Promise<void> {
    for (const page of [a, b]) {
      await expect.poll(() => countOf(page, '[data-peer-id]'), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    }
    await Promise.all([expectMediaFlowingOn(a, link.address), expectMediaFlowingOn(b, link.address)]);
  }

  async function expectEnded(page: AnyPage, title: string): Promise<void> {
    await waitVisible(page, '#view-ended');
    expect(await textOf(page, '#ended-title')).toBe(title);
  }

  /** Knock, admission, media both ways, document mode, end for all: one appointment. */
  async function appointment(citizen: AnyPage, agent: AnyPage): Promise<void> {
    const view = await book();
    await joinByLink(citizen, view.links.citizen, 'Marie Dupont');
    await waitVisible(citizen, '#view-lobby');
    expect(await textOf(citizen, '#lobby-title')).toBe(fr['lobby.title']);
    expect(await textOf(citizen, '#view-lobby [data-context]')).toContain('14\u00a0h\u00a030');

    await joinByLink(agent, view.links.agent, 'Alice Martin');
    await waitVisible(agent, '#view-call');
    await expect
      .poll(() => textOf(agent, '#knock-list .knock .who'), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Marie Dupont');
    // The still the citizen's page draws from her camera, about every second.
    await expect
      .poll(() => attrOf(agent, '#knock-list .knock img', 'src'), { timeout: MEDIA_DEADLINE_MS })
      .toMatch(/^data:image\/jpeg;base64,/);
    expect(await countOf(agent, '[data-peer-id]')).toBe(0);
    await clickButton(agent, fr['knock.admit'], '#knock-list');

    await waitVisible(citizen, '#view-call');
    await bothSeeEachOther(citizen, agent);
    expect(await textOf(agent, '[data-peer-id] .name')).toBe('Marie Dupont');
    expect(await textOf(citizen, '[data-peer-id] .name')).toBe('Alice Martin');

    // « Demander un justificatif »: her page switches to the document camera; the agent keeps receiving.
    await clickButton(agent, fr['host.requestDocument'], '#people-list');
    await expect
      .poll(() => attrOf(citizen, '#document-toggle', 'aria-pressed'), { timeout: MEDIA_DEADLINE_MS })
      .toBe('true');
    await waitVisible(citizen, '#document-guide');
    expect(await textOf(citizen, '#document-guide')).toBe(fr['document.guide']);
    const sent = await citizen.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('#local-video')?.srcObject;
      const settings = stream instanceof MediaStream ? stream.getVideoTracks()[0]?.getSettings() : undefined;
      return { width: settings?.width ?? 0, height: settings?.height ?? 0 };
    }, undefined);
    expect(sent.width).toBeGreaterThan(0);
    // What reaches the agent is the document camera's picture: one of its simulcast layers (all, half, a quarter).
    const isDocumentLayer = (width: number): boolean =>
      [1, 2, 4].some((down) => Math.abs(width - sent.width / down) <= 2);
    await expect
      .poll(async () => isDocumentLayer((await recvStatsOf(agent)).frameWidth), {
        timeout: MEDIA_DEADLINE_MS,
      })
      .toBe(true);
    const during = await expectMediaFlowingOn(agent, link.address);
    console.log(
      `document mode, citizen in ${citizen.engine} → agent in ${agent.engine}: ` +
        `camera ${sent.width}x${sent.height}, agent receives ${during.frameWidth}x${during.frameHeight}`,
    );
    await citizen.click('#document-done');
    await expect
      .poll(() => attrOf(citizen, '#document-toggle', 'aria-pressed'), { timeout: MEDIA_DEADLINE_MS })
      .toBe('false');

    // « Terminer pour tous », confirmed: both see the end screen in their own words.
    await agent.click('#end-all');
    await clickButton(agent, fr['host.endAll'], '#end-dialog');
    for (const page of [citizen, agent]) {
      await expectEnded(page, fr['ended.endedTitle']);
      expect(await isVisible(page, '#rejoin')).toBe(false);
    }
  }

  it('citizen in Firefox, agent in Chromium: lobby, admission, call, document mode, end', async () => {
    const [citizen, agent] = await Promise.all([firefox(), chromium()]);
    await appointment(citizen, agent);
  });

  it('agent in Firefox, citizen in Chromium: lobby, admission, call, document mode, end', async () => {
    const [citizen, agent] = await Promise.all([chromium(), firefox()]);
    await appointment(citizen, agent);
  });

  it('two Firefox pages join with the password, hear and see each other; one leaves', async () => {
    const room = await server.createRoom();
    const [alice, bruno] = await Promise.all([firefox(), firefox()]);
    const fillForm = async (page: AnyPage, name: string): Promise<void> => {
      await open(page, `${server.baseUrl}/r/${room.roomId}`);
      await page.fill('#display-name', name);
      await page.fill('#password', room.password);
    };
    await Promise.all([fillForm(alice, 'Alice'), fillForm(bruno, 'Bruno')]);
    await alice.click('#join-submit');
    await waitVisible(alice, '#view-call');
    // Bruno joins a room where Alice already sends: click → first frame seen through getStats polling.
    const clickedAt = performance.now();
    await bruno.click('#join-submit');
    await expect
      .poll(async () => (await recvStatsOf(bruno)).framesDecoded, {
        timeout: MEDIA_DEADLINE_MS,
        interval: 50,
      })
      .toBeGreaterThan(0);
    console.log(
      `Firefox, second joiner: « Rejoindre » → first remote frame decoded in ${Math.round(performance.now() - clickedAt)} ms (getStats polling)`,
    );
    await bothSeeEachOther(alice, bruno);
    await expect
      .poll(() => textOf(alice, '[data-peer-id] .name'), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Bruno');

    await clickButton(bruno, fr['call.leave'], '#view-call');
    await expect.poll(() => countOf(alice, '[data-peer-id]'), { timeout: MEDIA_DEADLINE_MS }).toBe(0);
    await expectEnded(bruno, fr['ended.leftTitle']);
  });
});
