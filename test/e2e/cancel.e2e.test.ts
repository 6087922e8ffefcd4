import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { apiClient } from '../helpers/api.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { ManualClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { MEDIA_DEADLINE_MS, endScreenTitle, joinByLink, waitForCallView } from './guichet-page.js';

/*
 * A cancel from the agents' REST API reaches the pages of a live room: the
 * citizen waiting in the lobby and the agent in the call both read
 * « Ce rendez-vous a été annulé », with no « Rejoindre à nouveau ».
 */
describe('cancelling a live appointment in the browser', () => {
  const clock = new ManualClock(Date.parse('2026-12-03T09:00:00Z'));
  let server: TestServer;
  let browsers: TestBrowser[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { clock: clock.now, runScheduler: false });
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, b] of browsers.entries()) console.log(`--- browser ${i} ---\n${b.logs.join('\n')}`);
    }
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the lobby and the call both show « Ce rendez-vous a été annulé » within 2 s of the REST answer', async () => {
    const api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'alice', name: 'Alice Martin' }));
    clock.set('2026-12-03T09:00:00Z');
    const view = await api.book({
      startsAt: '2026-12-03T14:30:00+01:00',
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    clock.set('2026-12-03T13:20:00Z');
    browsers = await Promise.all([launchBrowser(), launchBrowser()]);
    const [citizen, agent] = browsers.map((b) => b.page);
    if (!citizen || !agent) throw new Error('two browsers expected');
    await joinByLink(agent, view.links.agent, 'Alice');
    await waitForCallView(agent);
    await joinByLink(citizen, view.links.citizen, 'Marie');
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });

    const started = Date.now();
    await api.cancel(view.id);
    for (const page of [citizen, agent]) {
      expect(await endScreenTitle(page)).toBe(fr['ended.cancelledTitle']);
      expect(await page.locator('#ended-message').textContent()).toBe(fr['ended.closed.cancelled']);
      expect(await page.locator('#rejoin').isHidden()).toBe(true);
    }
    const elapsed = Date.now() - started;
    console.log(`cancel e2e: both pages on the cancelled screen ${elapsed} ms after the REST answer`);
    expect(elapsed).toBeLessThan(2_000);
  });
});
