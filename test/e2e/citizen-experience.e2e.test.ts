import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import type { AppointmentView } from '../../signaling/protocol/index.js';
import { apiClient } from '../helpers/api.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  MEDIA_DEADLINE_MS,
  endScreenTitle,
  expectMediaFlowing,
  recvStats,
  remoteTiles,
  waitForCallView,
  waitForFirstFrame,
} from './guichet-page.js';
import { runAxe } from './site-pages.js';
import { PHONE, DESKTOP, emulatePhoneCameras, fill, shoot } from './ux-helpers.js';

/*
 * Issue 16 as the citizen (on a phone, 390×844) and the agent (on a desktop,
 * 1280×800) live it, in real Chromium against the real server: where she is
 * on every screen, visible notices for every action and change on both
 * sides, the document mode, the end screens in each side's words, and axe
 * in every state on the way (chat open included). Screenshots of every
 * state at both sizes go to /tmp/guichet-ux-*.png.
 */
describe('citizen experience, phone and desktop', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let browsers: TestBrowser[] = [];
  const axeFound: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      { SERVICE_NAME: 'Mairie de Lyon' },
      { clock: clock.now, runScheduler: false },
    );
    api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
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

  async function book(extra: { citizenReference?: string } = {}): Promise<AppointmentView> {
    clock.set('2026-12-03T09:00:00Z');
    const view = await api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
      note: 'note privée, pour l’agent seul',
      ...extra,
    });
    clock.set('2026-12-03T13:20:00Z');
    return view;
  }

  /** axe in this state; violations are collected and asserted empty at the end of the test. */
  async function axe(page: Page, state: string): Promise<void> {
    for (const v of await runAxe(page)) {
      axeFound.push(`${state}: ${v.id} ${v.help}: ${v.nodes.map((n) => n.html).join(' | ')}`);
    }
  }

  /** The visible notice over the call says this. */
  async function expectToast(page: Page, text: string): Promise<void> {
    const toast = page.locator('#call-status');
    await expect.poll(() => toast.textContent(), { timeout: MEDIA_DEADLINE_MS }).toBe(text);
    expect(await toast.isVisible()).toBe(true);
    const box = await toast.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(20);
  }

  it('context, lobby, notices both ways, document mode, chat, device loss, end screens', async () => {
    // The agent chose a file reference to show her; their note stays theirs.
    const view = await book({ citizenReference: 'Dossier 2026-0042' });
    const [citizenBrowser, agentBrowser] = await Promise.all([
      launchBrowser({ viewport: PHONE }),
      launchBrowser({ viewport: DESKTOP }),
    ]);
    browsers.push(citizenBrowser, agentBrowser);
    const citizen = citizenBrowser.page;
    const agent = agentBrowser.page;
    for (const page of [citizen, agent]) await page.emulateMedia({ reducedMotion: 'reduce' });
    // Her phone's cameras say which way they face (Chromium's fake one says nothing by itself).
    await emulatePhoneCameras(citizen);

    // Join page: the service, the agent, the date and time; the booking's name already in the field.
    await citizen.goto(view.links.citizen);
    const context = citizen.locator('#view-join [data-context]');
    await context.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    expect(await context.textContent()).toBe(
      `Mairie de Lyon · ${fill(fr['context.withAgent'], { agent: 'Alice Martin' })} · jeudi 3 décembre à 14\u00a0h\u00a030 · Dossier 2026-0042`,
    );
    await expect
      .poll(() => citizen.getByLabel(fr['join.name']).inputValue(), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Marie Dupont');
    await expect
      .poll(() => citizen.locator('#mic-select option').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await shoot(citizen, 'citizen-join');
    await axe(citizen, 'citizen join');

    // Lobby: the context, « Quitter », a mic toggle; she turns her mic off while waiting.
    await citizen.getByRole('button', { name: fr['join.submit'] }).click();
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    expect(await citizen.locator('#view-lobby [data-context]').textContent()).toContain(
      '14\u00a0h\u00a030 · Dossier 2026-0042',
    );
    expect(await citizen.locator('#lobby-leave').isVisible()).toBe(true);
    await citizen.locator('#lobby-mic').click();
    expect(await citizen.locator('#lobby-mic').getAttribute('aria-pressed')).toBe('false');
    await shoot(citizen, 'citizen-lobby');
    await axe(citizen, 'citizen lobby');

    // The agent's link: their own name pre-filled, no typing.
    await agent.goto(view.links.agent);
    await expect
      .poll(() => agent.getByLabel(fr['join.name']).inputValue(), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Alice Martin');
    await agent.getByRole('button', { name: fr['join.submit'] }).click();
    await waitForCallView(agent);
    await agent.locator('#knock-list .knock').waitFor({ timeout: MEDIA_DEADLINE_MS });
    await shoot(agent, 'agent-knock');
    await axe(agent, 'agent knock');
    await agent.getByRole('button', { name: fr['knock.admit'] }).click();

    await waitForCallView(citizen);
    for (const page of [citizen, agent]) {
      await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    }
    // Her mic is off (below), so only the agent's side has sound to prove; her picture reaches the agent.
    await Promise.all([expectMediaFlowing(citizen), waitForFirstFrame(agent)]);
    expect(await citizen.locator('#view-call [data-context]').isVisible()).toBe(true);
    // In the call too: service · agent · time · reference, and never the agent's note.
    const callContext = (await citizen.locator('#view-call [data-context]').textContent()) ?? '';
    expect(callContext).toMatch(/^Mairie de Lyon · .+ · .+ · Dossier 2026-0042$/);
    expect(await citizen.locator('body').textContent()).not.toContain('note privée');
    await shoot(citizen, 'citizen-call-context');
    // Her mic stayed off, as chosen in the lobby, and the agent sees it.
    expect(await citizen.locator('#mic-toggle').getAttribute('aria-pressed')).toBe('false');
    const micBadge = agent.locator('[data-peer-id] .badge', { hasText: fr['call.micOff'] });
    await micBadge.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    // Elision: the agent is « Alice ».
    expect(await citizen.locator('[data-peer-id] .enlarge').getAttribute('aria-label')).toBe(
      'Agrandir la vidéo d’Alice Martin',
    );
    await citizen.locator('#mic-toggle').click();
    await expectToast(agent, fill(fr['call.peerMicOn'], { name: 'Marie Dupont' }));
    await shoot(agent, 'agent-call-toast');

    // Her phone: one row of controls, the rest behind « Plus ».
    const row = await citizen.locator('.controls > button:visible').evaluateAll((buttons) =>
      buttons.map((b) => {
        const r = b.getBoundingClientRect();
        return { top: r.top, left: r.left, right: r.right };
      }),
    );
    expect(row.length).toBe(5);
    for (const box of row) {
      expect(Math.abs(box.top - (row[0]?.top ?? 0))).toBeLessThan(2);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await citizen.getByRole('button', { name: fr['call.audioOnly'] }).isVisible()).toBe(false);
    await citizen.getByRole('button', { name: fr['call.more'] }).click();
    expect(await citizen.getByRole('button', { name: fr['call.audioOnly'] }).isVisible()).toBe(true);
    await shoot(citizen, 'citizen-more-menu');
    await axe(citizen, 'citizen « Plus » open');
    await citizen.keyboard.press('Escape');
    expect(await citizen.getByRole('button', { name: fr['call.audioOnly'] }).isVisible()).toBe(false);

    // Muted by the agent: both sides see it.
    await agent.getByRole('button', { name: fr['host.mute'] }).click();
    await expectToast(citizen, fr['call.mutedByHost']);
    await expectToast(agent, 'Micro de Marie Dupont coupé.');
    await shoot(citizen, 'citizen-muted-by-agent');
    await axe(citizen, 'citizen call, toast');

    // Document requested: a notice, then her own picture large with the card frame and the instruction.
    await agent.getByRole('button', { name: fr['host.requestDocument'] }).click();
    // « Demande envoyée », soon replaced by what her phone does (checked below).
    const requestSent = fill(fr['host.documentRequested'], { name: 'Marie Dupont' });
    await expect
      .poll(
        async () => {
          const text = (await agent.locator('#call-status').textContent()) ?? '';
          return text === requestSent || text.startsWith('Marie Dupont\u00a0: ');
        },
        { timeout: MEDIA_DEADLINE_MS },
      )
      .toBe(true);
    await expect
      .poll(() => citizen.locator('#document-guide').textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe(fr['document.guide']);
    // What her phone captures, and what the agent reads of it at once (the notice lasts 7 s).
    const sent = await citizen.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('#local-video')?.srcObject;
      const settings = stream instanceof MediaStream ? stream.getVideoTracks()[0]?.getSettings() : undefined;
      return { width: settings?.width ?? 0, height: settings?.height ?? 0 };
    });
    // The agent sees what her phone does: the rear camera, at the size it really captures.
    const documentState = agent.locator('[data-peer-id] .document-state');
    const rearActive = `${fr['documentState.rear']} · ${sent.width}\u00a0×\u00a0${sent.height}`;
    await expectToast(
      agent,
      `Marie Dupont\u00a0: ${rearActive.charAt(0).toLowerCase()}${rearActive.slice(1)}.`,
    );
    await expect.poll(() => documentState.textContent(), { timeout: MEDIA_DEADLINE_MS }).toBe(rearActive);
    expect(rearActive.toLowerCase()).toContain('caméra arrière active');
    expect(await documentState.isVisible()).toBe(true);
    await shoot(agent, 'agent-document-state');
    const self = await citizen.locator('.tile.self').boundingBox();
    const stage = await citizen.locator('.stage').boundingBox();
    expect(self && stage && self.width / stage.width).toBeGreaterThanOrEqual(0.6);
    expect(await citizen.locator('.card-guide').isVisible()).toBe(true);
    await shoot(citizen, 'citizen-document-mode');
    await axe(citizen, 'citizen document mode');

    // What the agent receives in document mode: the largest picture over a few seconds (getStats).
    let received = { frameWidth: 0, frameHeight: 0 };
    const documentStarted = Date.now();
    await expect
      .poll(
        async () => {
          const stats = await recvStats(agent);
          if (stats.frameWidth > received.frameWidth) received = stats;
          return received.frameWidth >= sent.width || Date.now() - documentStarted > 12_000;
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);
    console.log(
      `document mode: rear camera ${sent.width}x${sent.height}, agent receives ${received.frameWidth}x${received.frameHeight} after ${Date.now() - documentStarted} ms`,
    );
    // Sharper than the usual camera's 1280×720 top layer.
    expect(received.frameWidth).toBeGreaterThan(1280);

    // The agent zooms, and takes a still that stays in the page.
    const tile = agent.locator('[data-peer-id]');
    await agent.getByRole('button', { name: 'Zoomer sur l’image de Marie Dupont' }).click();
    expect(await tile.getAttribute('data-zoom')).toBe('1.5');
    const uploads: string[] = [];
    agent.on('request', (request) => {
      if (request.method() !== 'GET') uploads.push(`${request.method()} ${request.url()}`);
    });
    await agent.getByRole('button', { name: 'Prendre une photo de l’image de Marie Dupont' }).click();
    const stillImage = agent.locator('#still-image');
    await stillImage.waitFor({ state: 'visible' });
    const [naturalWidth, videoWidth] = await Promise.all([
      stillImage.evaluate((img: HTMLImageElement) => img.naturalWidth),
      tile.locator('video').evaluate((video: HTMLVideoElement) => video.videoWidth),
    ]);
    expect(naturalWidth).toBeGreaterThan(1280);
    expect(Math.abs(naturalWidth - videoWidth)).toBeLessThanOrEqual(videoWidth * 0.5);
    expect(await agent.locator('#still-save').getAttribute('href')).toMatch(/^data:image\/png;base64,/);
    await shoot(agent, 'agent-document-still');
    await axe(agent, 'agent still dialog');
    await agent.locator('#still-dialog').getByRole('button', { name: fr['common.close'] }).click();
    expect(uploads).toEqual([]);
    // Their own picture never covers hers.
    const [own, hers] = await Promise.all([agent.locator('.tile.self').boundingBox(), tile.boundingBox()]);
    if (!own || !hers) throw new Error('tiles missing');
    expect(own.x >= hers.x + hers.width || own.x + own.width <= hers.x || own.y >= hers.y + hers.height).toBe(
      true,
    );
    await shoot(agent, 'agent-document-mode');
    // On the phone the toggle is in « Plus »: the frame has its own way out.
    await citizen.getByRole('button', { name: fr['document.done'] }).click();
    await expect
      .poll(() => citizen.locator('#view-call').getAttribute('class'))
      .not.toContain('document-mode');
    // The agent is told it is over, and her tile goes back to normal.
    await expectToast(agent, `Marie Dupont\u00a0: ${fr['documentState.off'].toLowerCase()}.`);
    expect(await documentState.count()).toBe(0);

    // Identity verified: the agent's notice and badge (contrast checked by axe below).
    await agent.getByRole('button', { name: fr['host.verify'] }).click();
    await agent.getByRole('button', { name: fr['identity.confirm'] }).click();
    await expectToast(agent, 'Identité de Marie Dupont vérifiée.');
    await agent.locator('.person .verified').waitFor({ state: 'visible' });

    // A chat message from the agent: a visible notice for her, then the chat open as an overlay.
    await agent.getByRole('button', { name: fr['chat.toggle'] }).click();
    await agent.getByLabel(fr['chat.label']).fill('Bonjour, pouvez-vous montrer votre carte ?');
    await agent.getByRole('button', { name: fr['chat.send'] }).click();
    await expectToast(citizen, 'Message d’Alice Martin\u00a0: Bonjour, pouvez-vous montrer votre carte ?');
    await shoot(citizen, 'citizen-chat-notice');
    await citizen.getByRole('button', { name: fr['chat.toggle'] }).click();
    await citizen.getByLabel(fr['chat.label']).fill('Oui, voilà.');
    await citizen.getByRole('button', { name: fr['chat.send'] }).click();
    await expect.poll(() => agent.locator('#chat-log li').count()).toBe(2);
    // The chat is a sheet over the lower part: the agent's picture stays in view above it.
    const [agentTile, sheet] = await Promise.all([
      citizen.locator('[data-peer-id]').boundingBox(),
      citizen.locator('#side').boundingBox(),
    ]);
    if (!agentTile || !sheet) throw new Error('tile or chat missing');
    expect(sheet.y - agentTile.y).toBeGreaterThan(agentTile.height * 0.3);
    await shoot(citizen, 'citizen-chat-open');
    await shoot(agent, 'agent-chat-open');
    await axe(citizen, 'citizen chat open');
    await axe(agent, 'agent chat open, identity verified');
    await citizen.getByRole('button', { name: fr['chat.toggle'] }).click();

    // Her camera stops by itself (the 'ended' a unplugged device fires): she is told, the agent too.
    await citizen.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('#local-video')?.srcObject;
      const track = stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
      track?.dispatchEvent(new Event('ended'));
    });
    await expectToast(citizen, fr['call.cameraLost']);
    expect(await citizen.locator('#camera-toggle').getAttribute('aria-pressed')).toBe('false');
    await expectToast(agent, fill(fr['call.peerCameraOff'], { name: 'Marie Dupont' }));
    await shoot(citizen, 'citizen-camera-lost');
    await shoot(agent, 'agent-camera-lost');

    // The end: each side in its own words.
    await agent.locator('#end-all').click();
    await agent.locator('#end-dialog').getByRole('button', { name: fr['host.endAll'] }).click();
    for (const page of [citizen, agent]) expect(await endScreenTitle(page)).toBe(fr['ended.endedTitle']);
    expect(await citizen.locator('#ended-message').textContent()).toBe('L’agent a mis fin au rendez-vous.');
    expect(await agent.locator('#ended-message').textContent()).toBe(fr['ended.closed.endedHost']);
    await shoot(citizen, 'citizen-ended');
    await shoot(agent, 'agent-ended');
    await axe(citizen, 'citizen ended');
    await axe(agent, 'agent ended');
    expect(axeFound).toEqual([]);
  });

  it('a citizen without camera or mic: the agent sees a drawn sign, « Pas de micro », « Pas de caméra »', async () => {
    const view = await book();
    const [citizenBrowser, agentBrowser] = await Promise.all([
      launchBrowser({ viewport: PHONE, noDevices: true }),
      launchBrowser({ viewport: DESKTOP }),
    ]);
    browsers.push(citizenBrowser, agentBrowser);
    const [citizen, agent] = [citizenBrowser.page, agentBrowser.page];
    await citizen.goto(view.links.citizen);
    await citizen.locator('#device-diagnosis').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    await expect
      .poll(() => citizen.getByLabel(fr['join.name']).inputValue(), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Marie Dupont');
    await citizen.getByRole('button', { name: fr['join.submit'] }).click();
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });

    await agent.goto(view.links.agent);
    await agent.getByRole('button', { name: fr['join.submit'] }).click();
    const knock = agent.locator('#knock-list .knock');
    await knock.waitFor({ timeout: MEDIA_DEADLINE_MS });
    expect(await knock.locator('.no-preview').textContent()).toBe(fr['knock.noPreview']);
    // No <img> on show: nothing to break.
    expect(await knock.locator('img').isVisible()).toBe(false);
    await shoot(agent, 'agent-knock-no-camera');
    await agent.getByRole('button', { name: fr['knock.admit'] }).click();
    const tile = agent.locator('[data-peer-id]');
    await tile.locator('.badge', { hasText: fr['call.noMic'] }).waitFor({ timeout: MEDIA_DEADLINE_MS });
    await tile.locator('.badge', { hasText: fr['call.noCamera'] }).waitFor({ timeout: MEDIA_DEADLINE_MS });
    expect(await tile.getAttribute('data-video')).toBe('off');
    await shoot(agent, 'agent-citizen-no-devices');
    for (const v of await runAxe(agent)) axeFound.push(`agent, citizen without devices: ${v.id} ${v.help}`);
    // A document asked of a phone without a camera: the agent reads why nothing comes.
    await agent.getByRole('button', { name: fr['host.requestDocument'] }).click();
    const state = tile.locator('.document-state');
    await expect
      .poll(() => state.textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe(fr['documentState.notFound']);
    await shoot(agent, 'agent-document-no-camera');
    for (const v of await runAxe(agent)) axeFound.push(`agent, document without camera: ${v.id} ${v.help}`);
    expect(axeFound).toEqual([]);
  });

  it('a citizen who refused the camera: document mode tells the agent why it fails', async () => {
    const view = await book();
    const [citizenBrowser, agentBrowser] = await Promise.all([
      launchBrowser({ viewport: PHONE, denyMedia: true }),
      launchBrowser({ viewport: DESKTOP }),
    ]);
    browsers.push(citizenBrowser, agentBrowser);
    const [citizen, agent] = [citizenBrowser.page, agentBrowser.page];
    await citizen.goto(view.links.citizen);
    await citizen.locator('#device-diagnosis').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    await expect
      .poll(() => citizen.getByLabel(fr['join.name']).inputValue(), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Marie Dupont');
    await citizen.getByRole('button', { name: fr['join.submit'] }).click();
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    await agent.goto(view.links.agent);
    await agent.getByRole('button', { name: fr['join.submit'] }).click();
    await agent.locator('#knock-list .knock').waitFor({ timeout: MEDIA_DEADLINE_MS });
    await agent.getByRole('button', { name: fr['knock.admit'] }).click();
    await waitForCallView(citizen);
    const tile = agent.locator('[data-peer-id]');
    await tile.waitFor({ timeout: MEDIA_DEADLINE_MS });

    await agent.getByRole('button', { name: fr['host.requestDocument'] }).click();
    const state = tile.locator('.document-state');
    await expect
      .poll(() => state.textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe(fr['documentState.denied']);
    expect(await state.isVisible()).toBe(true);
    // The live region says it too, with her name.
    await expect
      .poll(() => agent.locator('#call-status').textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe(
        `Marie Dupont\u00a0: ${fr['documentState.denied'].charAt(0).toLowerCase()}${fr['documentState.denied'].slice(1)}.`,
      );
    // She is told on her side that the rear camera did not start.
    await expect
      .poll(() => citizen.locator('#call-status').textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe(fr['document.failed']);
    await shoot(agent, 'agent-document-denied');
    await shoot(citizen, 'citizen-document-denied');
    for (const v of await runAxe(agent)) axeFound.push(`agent, document refused: ${v.id} ${v.help}`);
    expect(axeFound).toEqual([]);
  });

  it('« Quitter » in the lobby withdraws the knock', async () => {
    const view = await book();
    const citizenBrowser = await launchBrowser({ viewport: PHONE });
    browsers.push(citizenBrowser);
    const citizen = citizenBrowser.page;
    await citizen.goto(view.links.citizen);
    await expect
      .poll(() => citizen.getByLabel(fr['join.name']).inputValue(), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Marie Dupont');
    await citizen.getByRole('button', { name: fr['join.submit'] }).click();
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    await citizen.locator('#lobby-leave').click();
    expect(await endScreenTitle(citizen)).toBe(fr['ended.leftTitle']);
    // Nobody waits any more: an agent arriving now finds an empty waiting room.
    const agentBrowser = await launchBrowser({ viewport: DESKTOP });
    browsers.push(agentBrowser);
    await agentBrowser.page.goto(view.links.agent);
    await agentBrowser.page.getByRole('button', { name: fr['join.submit'] }).click();
    await waitForCallView(agentBrowser.page);
    await expect
      .poll(() => agentBrowser.page.locator('#knock-list .knock').count(), { timeout: 3_000 })
      .toBe(0);
  });

  it("the agent's link before its day says when it opens", async () => {
    const view = await book();
    clock.set('2026-12-02T15:00:00Z');
    const response = await fetch(view.links.agent);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('jeudi 3 décembre 2026');
    expect(html).toContain('0\u00a0h\u00a000');
    // The same link's room details are not given out before then.
    const url = new URL(view.links.agent);
    const info = await fetch(`${url.origin}${url.pathname}/info${url.search}`);
    expect(info.status).toBe(404);
    clock.set('2026-12-03T08:00:00Z');
    const open = await fetch(`${url.origin}${url.pathname}/info${url.search}`);
    expect(open.status).toBe(200);
    expect(await open.json()).toMatchObject({
      role: 'host',
      agentName: 'Alice Martin',
      serviceName: 'Mairie de Lyon',
    });
  });
});
