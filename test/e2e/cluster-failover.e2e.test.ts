import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';
import { apiClient } from '../helpers/api.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { TestCluster } from '../helpers/cluster-nodes.js';
import {
  expectMediaFlowing,
  joinByLink,
  MEDIA_DEADLINE_MS,
  remoteTiles,
  waitForCallView,
} from './guichet-page.js';

/*
 * Three real nodes on one Redis, the built client in real Chromium: the
 * agent opens the appointment through node A, the citizen through node B,
 * and they land in one call on the room's owner (the page that reached the
 * wrong node follows ROOM_ELSEWHERE by itself). Then the owner is killed
 * with SIGKILL mid-call: both pages come back on a live node, with no
 * click, the agent still host and the citizen still admitted.
 */
describe('a call across cluster nodes', () => {
  let cluster: TestCluster | undefined;
  let browsers: TestBrowser[] = [];
  const agentToken = new AgentAuth({ algorithm: 'HS256', key: DEV_AGENT_JWT_SECRET }).mint({
    id: 'alice',
    name: 'Alice Martin',
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, b] of browsers.entries()) console.log(`--- browser ${i} ---\n${b.logs.join('\n')}`);
    }
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
    await cluster?.close();
    cluster = undefined;
  });

  const peerId = (page: Page): Promise<string | undefined> =>
    page.evaluate(() => window.__guichetDebug?.peerId());
  /** The same link, served by another node. */
  const through = (link: string, nodeUrl: string): string => {
    const url = new URL(link);
    const node = new URL(nodeUrl);
    url.host = node.host;
    return url.toString();
  };

  it('agent via A and citizen via B meet and see and hear each other; kill -9 of the owner: back within 10 s', async () => {
    cluster = await TestCluster.start(['a', 'b', 'c']);
    const [a, b] = [cluster.node('a'), cluster.node('b')];
    const view = await apiClient(a.url, agentToken).book({
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    browsers = await Promise.all([launchBrowser(), launchBrowser()]);
    const [agent, citizen] = browsers.map((browser) => browser.page);
    if (!agent || !citizen) throw new Error('two browsers expected');

    await joinByLink(agent, through(view.links.agent, a.url), 'Alice Martin');
    await waitForCallView(agent);
    await joinByLink(citizen, through(view.links.citizen, b.url), 'Marie Dupont');
    await agent.locator('#knock-list .knock').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    await agent.getByRole('button', { name: fr['knock.admit'] }).click();
    for (const page of [agent, citizen]) {
      await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    }
    await Promise.all([expectMediaFlowing(agent), expectMediaFlowing(citizen)]);
    const owner = await cluster.ownerOf(view.roomId);
    if (owner === null) throw new Error('the room has no owner in the directory');
    const before = { agent: await peerId(agent), citizen: await peerId(citizen) };
    console.log(`room owned by node ${owner}; agent entered through a, citizen through b`);

    await cluster.kill(owner);
    const killedAt = Date.now();
    for (const page of [agent, citizen]) {
      await expect
        .poll(() => page.locator('#call-banner').textContent(), { timeout: 10_000, interval: 50 })
        .toBe(fr['call.reconnected']);
    }
    await Promise.all([expectMediaFlowing(agent), expectMediaFlowing(citizen)]);
    const backInMs = Date.now() - killedAt;
    const newOwner = await cluster.ownerOf(view.roomId);
    console.log(`kill -9 of node ${owner} → both decoding again on node ${newOwner} in ${backInMs} ms`);
    expect(backInMs).toBeLessThan(10_000);
    expect(newOwner).not.toBe(owner);
    expect(newOwner).not.toBeNull();
    // Same places: the agent is host (end-for-all offered), the citizen is in the call, not the lobby.
    expect({ agent: await peerId(agent), citizen: await peerId(citizen) }).toEqual(before);
    expect(await agent.locator('#end-all').isVisible()).toBe(true);
    expect(await citizen.locator('#view-call').isVisible()).toBe(true);
    expect(await citizen.locator('#end-all').isVisible()).toBe(false);
    expect(await remoteTiles(agent)).toBe(1);
    expect(await remoteTiles(citizen)).toBe(1);
  });
});
