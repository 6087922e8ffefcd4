import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import type { AppointmentView } from '../../signaling/protocol/index.js';
import { apiClient } from '../helpers/api.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';
import { MEDIA_DEADLINE_MS, joinByLink, remoteTiles, waitForCallView } from './guichet-page.js';
import { runAxe } from './site-pages.js';
import { fill, shoot } from './ux-helpers.js';

/*
 * Dial-in as the citizen and the agent see it, in real Chromium against the
 * real server: the citizen's page says which number to call with which code
 * (one-tap tel: link), and a phone member (a socket.io client with the
 * phone gateway's service credential, as the gateway joins) knocks, shows in
 * the agent's lobby with a handset instead of a camera still, is admitted,
 * gets a phone tile, is muted and removed.
 */
const SERVICE_TOKEN = 'service-token-for-the-phone-gateway-0000';
const CALLER = 'Téléphone •• •• 42';

describe('dial-in in the browser: the number and PIN, and a phone caller in the lobby', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let browsers: TestBrowser[] = [];
  const sockets: SignalingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      {
        DIAL_IN_NUMBERS: JSON.stringify([
          { country: 'FR', number: '+33 1 86 95 00 00', default: true },
          { country: 'BE', number: '+32 800 12 345', tollFree: true },
        ]),
      },
      { clock: clock.now, runScheduler: false, serviceToken: SERVICE_TOKEN },
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
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await server?.close();
  });

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

  async function axeViolations(browser: TestBrowser, where: string): Promise<string[]> {
    return (await runAxe(browser.page)).map(
      (v) => `${where}: ${v.id} (${v.impact ?? '?'}) ${v.help}: ${v.nodes.map((n) => n.html).join(' | ')}`,
    );
  }

  it('the citizen’s join page and lobby give the number, the PIN and a one-tap tel: link', async () => {
    const view = await book();
    const citizen = await launchBrowser();
    browsers.push(citizen);
    const { page } = citizen;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const response = await page.goto(view.links.citizen);
    expect(response?.status()).toBe(200);
    const box = page.locator('#view-join [data-dial-in]');
    await box.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    const tel = `tel:+33186950000,,${view.dialIn.pin}%23`;
    const link = box.getByRole('link', { name: '+33 1 86 95 00 00' });
    expect(await link.getAttribute('href')).toBe(tel);
    const text = (await box.textContent()) ?? '';
    expect(text).toContain(fill(fr['dialIn.code'], { pin: view.dialIn.pin }));
    expect(text).toContain(fr['dialIn.lead']);
    // The other country, with its own one-tap link and « (appel gratuit) ».
    expect(await box.getByRole('link', { name: '+32 800 12 345' }).getAttribute('href')).toBe(
      `tel:+3280012345,,${view.dialIn.pin}%23`,
    );
    expect(text).toContain('Belgique');
    expect(text).toContain(fr['dialIn.tollFree']);
    const found = await axeViolations(citizen, 'join page with dial-in');
    await shoot(page, 'dial-in-join');

    await page.getByLabel(fr['join.name']).fill('Marie Dupont');
    await page.getByRole('button', { name: fr['join.submit'] }).click();
    await page.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    const lobby = page.locator('#view-lobby [data-dial-in]');
    expect(await lobby.isVisible()).toBe(true);
    expect(await lobby.getByRole('link', { name: '+33 1 86 95 00 00' }).getAttribute('href')).toBe(tel);
    found.push(...(await axeViolations(citizen, 'lobby with dial-in')));
    expect(found).toEqual([]);
  });

  it('a password join (no link) still finds the number and PIN in the lobby', async () => {
    const view = await book();
    const citizen = await launchBrowser();
    browsers.push(citizen);
    const { page } = citizen;
    await page.goto(`${server.baseUrl}/r/${view.roomId}`);
    expect(await page.locator('#view-join [data-dial-in]').isVisible()).toBe(false);
    await page.getByLabel(fr['join.name']).fill('Marie Dupont');
    await page.getByLabel(fr['join.password']).fill(view.password);
    await page.getByRole('button', { name: fr['join.submit'] }).click();
    const lobby = page.locator('#view-lobby [data-dial-in]');
    await lobby.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    expect(await lobby.getByRole('link', { name: '+33 1 86 95 00 00' }).getAttribute('href')).toBe(
      `tel:+33186950000,,${view.dialIn.pin}%23`,
    );
  });

  it('the agent sees the caller with a handset, admits, mutes and removes them', async () => {
    const view = await book();
    // The phone gateway's way in: its service token and the PIN the caller typed.
    const phone = await SignalingClient.connect(server.baseUrl);
    sockets.push(phone);
    const joined = await phone.request('join', {
      roomId: view.roomId,
      displayName: CALLER,
      credential: { kind: 'service', token: SERVICE_TOKEN, pin: view.dialIn.pin },
    });
    expect(joined).toMatchObject({ role: 'guest', state: 'lobby' });

    const agent = await launchBrowser();
    browsers.push(agent);
    const { page } = agent;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await joinByLink(page, view.links.agent, 'Alice Martin');
    await waitForCallView(page);

    const knock = page.locator('#knock-list .knock');
    await knock.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    expect(await knock.getAttribute('data-kind')).toBe('phone');
    expect(await knock.locator('svg.phone-sign').count()).toBe(1);
    // No camera still, not even a hidden one waiting for a picture.
    expect(await knock.locator('img').count()).toBe(0);
    expect(await knock.locator('.camera-off-sign').count()).toBe(0);
    expect(await knock.locator('.still').textContent()).toBe(fr['knock.phoneCall']);
    expect(await knock.locator('.who [aria-hidden="true"]').textContent()).toBe(CALLER);
    const spoken = fill(fr['knock.phoneLabel'], { digits: '42' });
    expect(await knock.locator('.who .visually-hidden').textContent()).toBe(spoken);
    // The list item reads as the caller, for screen readers.
    expect(await page.getByRole('listitem').filter({ hasText: spoken }).count()).toBe(1);
    const found = await axeViolations(agent, 'agent with a phone knock');
    await shoot(page, 'dial-in-knock');

    await knock.getByRole('button', { name: fr['knock.admit'] }).click();
    await expect.poll(() => phone.received('admitted').length, { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    const tile = page.locator('#tiles .tile.remote');
    expect(await tile.getAttribute('data-kind')).toBe('phone');
    expect(await tile.locator('.avatar svg.phone-sign').isVisible()).toBe(true);
    expect(await tile.locator('video').isVisible()).toBe(false);
    expect(await tile.locator('.phone-badge').textContent()).toBe(fr['call.phoneBadge']);
    // A web tile says « Pas de caméra » after 3 s without video; a phone tile has no such badge at all.
    expect(await tile.getByText(fr['call.noCamera']).count()).toBe(0);
    expect(await tile.locator('.phone-label').textContent()).toBe(spoken);

    // Host controls: mute and remove, no « Demander un justificatif » for a caller.
    const person = page.locator('#people-list .person');
    await person.waitFor({ state: 'visible' });
    expect(await person.getByRole('button', { name: fr['host.requestDocument'] }).count()).toBe(0);
    found.push(...(await axeViolations(agent, 'agent in a call with a phone caller')));
    await shoot(page, 'dial-in-call');
    await person.getByRole('button', { name: fr['host.mute'] }).click();
    await expect
      .poll(() => page.locator('#call-status').textContent())
      .toBe(fill(fr['call.mutedPeer'], { name: CALLER }));
    await person.getByRole('button', { name: fr['host.remove'] }).click();
    await expect
      .poll(() => phone.received('kicked').map((k) => k.code), { timeout: MEDIA_DEADLINE_MS })
      .toEqual(['REMOVED']);
    await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(0);
    expect(found).toEqual([]);
  });
});
