import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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
  joinByLink,
  remoteTiles,
  waitForCallView,
} from './guichet-page.js';
import { shoot } from './ux-helpers.js';

/*
 * An appointment as the citizen and the agent live it: real Chromium pages on
 * the one-click links, the real server with a hand-moved clock inside the
 * access window, media over loopback (run inside a loopback-only namespace).
 */
describe('appointment lobby and host controls in two browsers', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let browsers: TestBrowser[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
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

  /** Books at 9:00 for 14:30 Paris time, then moves the clock into the citizen's window. */
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

  async function open(): Promise<[TestBrowser, TestBrowser]> {
    const [citizen, agent] = await Promise.all([launchBrowser(), launchBrowser()]);
    if (!citizen || !agent) throw new Error('two browsers expected');
    browsers.push(citizen, agent);
    return [citizen, agent];
  }

  async function audit(id: string): Promise<string[]> {
    const { status, json } = await api.call('GET', `/api/v1/appointments/${id}/audit`);
    expect(status).toBe(200);
    const events = z
      .object({ events: z.array(z.object({ type: z.string(), actor: z.string() })) })
      .parse(json).events;
    return events.map((e) => `${e.type}:${e.actor}`);
  }

  /** The audit trail holds `expected` in this order (other events may sit between). */
  async function expectAuditInOrder(id: string, expected: string[]): Promise<void> {
    await expect
      .poll(async () => inOrder(await audit(id), expected), { timeout: MEDIA_DEADLINE_MS })
      .toBe(true);
  }

  /** The citizen knocks first and waits; returns once the agent sees the knock with its preview. */
  async function knockThenAgentArrives(view: AppointmentView, citizen: Page, agent: Page): Promise<void> {
    await joinByLink(citizen, view.links.citizen, 'Marie Dupont');
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    expect(await citizen.locator('#lobby-title').textContent()).toBe(fr['lobby.title']);
    expect(await remoteTiles(citizen)).toBe(0);

    await joinByLink(agent, view.links.agent, 'Alice Martin');
    await waitForCallView(agent);
    const knock = agent.locator('#knock-list .knock');
    await expect
      .poll(() => knock.locator('.who').textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toBe('Marie Dupont');
    // The still the citizen's page sends about every second, shown to the host only.
    await expect
      .poll(() => knock.locator('img').getAttribute('src'), { timeout: MEDIA_DEADLINE_MS })
      .toMatch(/^data:image\/jpeg;base64,/);
    expect(await knock.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
    expect(await agent.title()).toMatch(/^\(1\) Quelqu’un attend/);
    expect(await remoteTiles(agent)).toBe(0);
  }

  it('the citizen waits, the agent admits; media both ways, identity mark, chat, document mode, end for all', async () => {
    const view = await book();
    const [citizen, agent] = await open();
    await knockThenAgentArrives(view, citizen.page, agent.page);

    await agent.page.getByRole('button', { name: fr['knock.admit'] }).click();
    await waitForCallView(citizen.page);
    for (const page of [citizen.page, agent.page]) {
      await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    }
    await Promise.all([expectMediaFlowing(citizen.page), expectMediaFlowing(agent.page)]);
    expect(await agent.page.locator('#knock-panel').isVisible()).toBe(false);
    expect(await agent.page.title()).toBe(fr['app.title']);

    // « Identité vérifiée » with the method chosen in the dialog.
    await agent.page.getByRole('button', { name: fr['host.verify'] }).click();
    await agent.page.getByLabel(fr['identity.method.known-person']).check();
    await agent.page.getByRole('button', { name: fr['identity.confirm'] }).click();
    await agent.page.locator('.person .verified').waitFor({ state: 'visible' });

    // « Inviter une personne »: an interpreter gets the one-click guest link (and will knock too).
    await agent.page.getByRole('button', { name: fr['invite.button'] }).click();
    await expect.poll(() => agent.page.locator('#invite-link').inputValue()).toBe(view.links.citizen);
    await agent.page.locator('#invite-dialog').getByRole('button', { name: fr['invite.close'] }).click();

    // Chat is text, never markup.
    const text = 'Bonjour <b>Alice</b> & merci';
    await citizen.page.getByRole('button', { name: fr['chat.toggle'] }).click();
    await citizen.page.getByLabel(fr['chat.label']).fill(text);
    await citizen.page.getByRole('button', { name: fr['chat.send'] }).click();
    await expect.poll(() => citizen.page.locator('#chat-log li p:not(.meta)').textContent()).toBe(text);
    await expect.poll(() => agent.page.locator('#chat-unread').textContent()).toBe('1');
    await agent.page.getByRole('button', { name: fr['chat.toggle'] }).click();
    expect(await agent.page.locator('#chat-log li p:not(.meta)').textContent()).toBe(text);
    expect(await agent.page.locator('#chat-log b').count()).toBe(0);

    // « Demander un justificatif »: the citizen's page switches to the document camera.
    await agent.page.getByRole('button', { name: fr['host.requestDocument'] }).click();
    const documentToggle = citizen.page.getByRole('button', { name: fr['document.show'] });
    await expect
      .poll(() => documentToggle.getAttribute('aria-pressed'), { timeout: MEDIA_DEADLINE_MS })
      .toBe('true');
    await expectMediaFlowing(agent.page);
    await documentToggle.click();
    await expect.poll(() => documentToggle.getAttribute('aria-pressed')).toBe('false');

    // « Terminer pour tous », confirmed: both see the end screen, without « Rejoindre à nouveau ».
    await agent.page.locator('#end-all').click();
    await agent.page.locator('#end-dialog').getByRole('button', { name: fr['host.endAll'] }).click();
    for (const page of [citizen.page, agent.page]) {
      expect(await endScreenTitle(page)).toBe(fr['ended.endedTitle']);
      expect(await page.locator('#rejoin').isVisible()).toBe(false);
    }
    await expectAuditInOrder(view.id, [
      'booked:agent',
      'joined:guest',
      'joined:host',
      'admitted:host',
      'identity-verified:host',
      'invited:host',
      'ended:host',
    ]);
  });

  it('the agent refuses with a reason; the citizen reads it', async () => {
    const view = await book();
    const [citizen, agent] = await open();
    await knockThenAgentArrives(view, citizen.page, agent.page);

    const reason = 'Merci de rappeler le service au 3939';
    await agent.page.getByLabel(fr['knock.reason']).fill(reason);
    await agent.page.getByRole('button', { name: fr['knock.refuse'] }).click();
    expect(await endScreenTitle(citizen.page)).toBe(fr['lobby.refusedTitle']);
    expect(await citizen.page.locator('#ended-message').textContent()).toBe(
      fr['lobby.reason'].replace('{reason}', reason),
    );
    // She may knock again, but only after a pause: the button waits, with the seconds left.
    const again = citizen.page.getByRole('button', { name: fr['lobby.knockAgain'] });
    expect(await again.isVisible()).toBe(true);
    expect(await again.isDisabled()).toBe(true);
    const left = async (): Promise<number> =>
      Number(/(\d+)/.exec((await citizen.page.locator('#rejoin-wait').textContent()) ?? '')?.[1] ?? NaN);
    const first = await left();
    expect(first).toBeGreaterThan(50);
    await expect.poll(left, { timeout: 5_000 }).toBeLessThan(first);
    await shoot(citizen.page, 'citizen-refused');
    await expect.poll(() => agent.page.locator('#knock-panel').isVisible()).toBe(false);
    expect(await remoteTiles(agent.page)).toBe(0);
    await expectAuditInOrder(view.id, ['booked:agent', 'joined:guest', 'joined:host', 'refused:host']);
    expect(await audit(view.id)).not.toContain('admitted:host');
  });

  it("the agent's page closes and comes back; the call goes on", async () => {
    const view = await book();
    const [citizen, agent] = await open();
    await knockThenAgentArrives(view, citizen.page, agent.page);
    await agent.page.getByRole('button', { name: fr['knock.admit'] }).click();
    await waitForCallView(citizen.page);
    await Promise.all([expectMediaFlowing(citizen.page), expectMediaFlowing(agent.page)]);

    await agent.page.close();
    // The citizen stays in the call (no end screen) while the agent is away.
    const back = await agent.context.newPage();
    back.on('console', (message) => agent.logs.push(`[back ${message.type()}] ${message.text()}`));
    await joinByLink(back, view.links.agent, 'Alice Martin');
    await waitForCallView(back);
    expect(await citizen.page.locator('#view-call').isVisible()).toBe(true);
    expect(await citizen.page.locator('#view-ended').isVisible()).toBe(false);
    await Promise.all([expectMediaFlowing(citizen.page), expectMediaFlowing(back)]);
    expect(await back.locator('[data-peer-id] .name').allTextContents()).toContain('Marie Dupont');

    await back.locator('#end-all').click();
    await back.locator('#end-dialog').getByRole('button', { name: fr['host.endAll'] }).click();
    expect(await endScreenTitle(citizen.page)).toBe(fr['ended.endedTitle']);
    await expectAuditInOrder(view.id, [
      'booked:agent',
      'joined:guest',
      'joined:host',
      'admitted:host',
      'joined:host',
      'ended:host',
    ]);
  });
});

/** Whether `expected` appears in `actual` in the same order. */
function inOrder(actual: string[], expected: string[]): boolean {
  let next = 0;
  for (const item of actual) if (item === expected[next]) next += 1;
  return next === expected.length;
}
