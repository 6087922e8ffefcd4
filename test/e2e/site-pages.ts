import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { z } from 'zod';
import type { TestServer } from '../helpers/server.js';
import { fillAndJoin, waitForCallView } from './guichet-page.js';

/*
 * Every page a citizen or an agent can reach, for the checks that must hold
 * on all of them (axe-core, no third-party request): the home page, the join
 * page with its device check, the call, the waiting page, the accessibility
 * statement in both languages, and the API docs.
 */

export interface SitePage {
  name: string;
  /** Opens the page and brings it to the state to check. */
  open(page: Page): Promise<void>;
}

export async function sitePages(server: TestServer): Promise<SitePage[]> {
  const room = await server.createRoom();
  const waitingUrl = await futureAppointmentLink(server);
  const goto = (path: string) => async (page: Page) => {
    await page.goto(`${server.baseUrl}${path}`);
  };
  return [
    { name: 'home', open: goto('/') },
    {
      name: 'join',
      async open(page) {
        await page.goto(`${server.baseUrl}/r/${room.roomId}`);
        // The device check has run: the pickers are filled.
        await expect
          .poll(() => page.locator('#mic-select option').count(), { timeout: 15_000 })
          .toBeGreaterThan(0);
      },
    },
    {
      name: 'call',
      async open(page) {
        await page.goto(`${server.baseUrl}/r/${room.roomId}`);
        await fillAndJoin(page, 'Alice', room.password);
        await waitForCallView(page);
      },
    },
    { name: 'waiting page', open: goto(waitingUrl) },
    { name: 'accessibility statement', open: goto('/accessibilite') },
    { name: 'accessibility statement (English)', open: goto('/accessibility') },
    { name: 'API docs', open: goto('/api/docs') },
  ];
}

/** A citizen's one-click link for an appointment in three days: the server answers with its waiting page. */
async function futureAppointmentLink(server: TestServer): Promise<string> {
  const response = await fetch(`${server.baseUrl}/api/v1/appointments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.agentToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    }),
  });
  const body = z.object({ links: z.object({ citizen: z.string() }) }).parse(await response.json());
  const link = new URL(body.links.citizen);
  return `${link.pathname}${link.search}${link.hash}`;
}

const AxeResultsSchema = z.object({
  violations: z.array(
    z.object({
      id: z.string(),
      impact: z.string().nullable().optional(),
      help: z.string(),
      nodes: z.array(z.object({ target: z.array(z.unknown()), html: z.string() })),
    }),
  ),
});
export type AxeViolations = z.infer<typeof AxeResultsSchema>['violations'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page. The page's CSP forbids inline scripts, so
 * addScriptTag({ content }) would be blocked; evaluating the source through
 * the DevTools protocol is not subject to the CSP.
 */
export async function runAxe(page: Page): Promise<AxeViolations> {
  await page.evaluate(axeSource);
  const raw: unknown = await page.evaluate(async () => {
    const axe: unknown = Reflect.get(window, 'axe');
    if (typeof axe !== 'object' || axe === null) throw new Error('axe-core did not load');
    const run: unknown = Reflect.get(axe, 'run');
    if (typeof run !== 'function') throw new Error('axe.run is missing');
    return JSON.parse(JSON.stringify(await run.call(axe, document)));
  });
  return AxeResultsSchema.parse(raw).violations;
}
