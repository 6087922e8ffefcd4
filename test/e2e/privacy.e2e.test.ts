import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sitePages } from './site-pages.js';

/*
 * No request ever leaves our own server: no CDN, no remote font, no
 * analytics. Every request of every page is recorded and must go to the
 * page's own origin (data: and blob: URLs stay in the browser).
 */
describe('privacy', () => {
  let server: TestServer;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('no page makes a request to another origin', async () => {
    browser = await launchBrowser();
    const { context, page } = browser;
    const requests: { page: string; url: string }[] = [];
    let current = 'start';
    // Context-wide, so the service worker's own fetches are recorded too.
    context.on('request', (request) => requests.push({ page: current, url: request.url() }));
    // WebSockets are not 'request' events; socket.io opens one.
    page.on('websocket', (socket) => requests.push({ page: current, url: socket.url() }));
    for (const site of await sitePages(server)) {
      current = site.name;
      await site.open(page);
    }
    // Same host and port; ws: is the same server as http: (socket.io).
    const host = new URL(server.baseUrl).host;
    const foreign = requests.filter(({ url }) => {
      const { protocol, host: to } = new URL(url);
      return protocol !== 'data:' && protocol !== 'blob:' && to !== host;
    });
    expect(foreign).toEqual([]);
    // The check saw real traffic: pages, the bundle, the socket.
    const visited = new Set(requests.map((r) => r.page));
    expect(visited.size).toBeGreaterThanOrEqual(7);
    expect(requests.some(({ url }) => url.includes('/socket.io/'))).toBe(true);
  });
});
