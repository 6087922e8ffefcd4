import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../client/src/agent/i18n/fr.json' with { type: 'json' };
import citizenFr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { dayKey } from '../../client/src/agent/agenda.js';
import { LocalAccounts } from '../../signaling/auth/local-accounts.js';
import { apiClient } from '../helpers/api.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { MailSink } from '../helpers/mail-sink.js';
import { OidcTestProvider } from '../helpers/oidc-test-provider.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  MEDIA_DEADLINE_MS,
  expectMediaFlowing,
  joinByLink,
  remoteTiles,
  waitForCallView,
} from './guichet-page.js';
import { runAxe } from './site-pages.js';
import { DESKTOP, PHONE } from './ux-helpers.js';

/*
 * The agent console as an agent lives it, in Chromium against the real
 * server: sign in through a real OpenID provider (oidc-provider on
 * 127.0.0.1) or with a local account, book, the invitation reaches the real
 * SMTP test server, the citizen opens it in another browser and knocks, the
 * console shows her waiting, « Rejoindre » puts the agent in the call as
 * host, and both decode each other's video. axe checks every state.
 */

const PASSWORD = 'correct horse battery staple';

describe('agent console', () => {
  let mail: MailSink;
  let idp: OidcTestProvider;
  let server: TestServer;
  let browsers: TestBrowser[] = [];
  /** Added to the server's clock: moves sessions past their lifetime without waiting hours. */
  let skew = 0;
  const violations: string[] = [];

  beforeAll(async () => {
    mail = await MailSink.start();
    idp = await OidcTestProvider.listen({ 'alice.oidc': { name: 'Alice Martin', role: 'agent' } });
    server = await startTestServer(
      { ...idp.env, SMTP_URL: mail.url, SCHEDULER_INTERVAL_MS: '200' },
      { clock: () => Date.now() + skew },
    );
    idp.configure(`${server.baseUrl}/agent/oidc/callback`);
    const accounts = new LocalAccounts(server.guichet.accounts);
    await accounts.add({ id: 'bob', name: 'Bob Durand', role: 'agent', password: PASSWORD });
    await accounts.add({ id: 'carol', name: 'Carol Admin', role: 'admin', password: PASSWORD });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [i, browser] of browsers.entries())
        console.log(`--- browser ${i} ---\n${browser.logs.join('\n')}`);
    }
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
    skew = 0;
  });

  afterAll(async () => {
    await server?.close();
    await idp?.close();
    await mail?.close();
  });

  async function open(viewport?: { width: number; height: number }): Promise<Page> {
    const browser = await launchBrowser(viewport ? { viewport } : {});
    browsers.push(browser);
    await browser.page.emulateMedia({ reducedMotion: 'reduce' });
    return browser.page;
  }

  async function axe(page: Page, state: string): Promise<void> {
    for (const v of await runAxe(page)) {
      violations.push(
        `${state}: ${v.id} (${v.impact ?? '?'}) ${v.help}: ${v.nodes.map((n) => n.html).join(' | ')}`,
      );
    }
  }

  async function signInLocal(page: Page, id: string): Promise<void> {
    await page.getByLabel(fr['signin.id'], { exact: true }).fill(id);
    await page.getByLabel(fr['signin.password'], { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: fr['signin.submit'] }).click();
  }

  const dayHeading = (page: Page) => page.getByRole('heading', { level: 1, name: fr['day.title'] });

  /** The browser's local date and time, `minutes` from now, as the date and time inputs want them. */
  function localInputs(page: Page, minutes: number): Promise<{ date: string; time: string }> {
    return page.evaluate((m) => {
      const d = new Date(Date.now() + m * 60_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return {
        date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
        time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
      };
    }, minutes);
  }

  async function fillBooking(page: Page, name: string, email: string): Promise<void> {
    await page.getByRole('button', { name: fr['book.open'] }).click();
    const { date, time } = await localInputs(page, 5);
    await page.getByLabel(fr['book.date']).fill(date);
    await page.getByLabel(fr['book.time']).fill(time);
    await page.getByLabel(fr['book.name']).fill(name);
    await page.getByLabel(fr['book.email']).fill(email);
    await page.getByLabel(fr['book.note']).fill('Dossier 2026-117');
    await page.getByLabel(fr['book.reference']).fill('Dossier 2026-0042');
  }

  /** Book → mail → the citizen knocks → the console shows her → « Rejoindre » → admit → video both ways. */
  async function bookKnockJoin(agent: Page, name: string, email: string, state: string): Promise<void> {
    await fillBooking(agent, name, email);
    await axe(agent, `${state}: booking form`);
    // The form with the reference field, at both sizes (issue 16 screenshots).
    const own = agent.viewportSize();
    for (const size of [DESKTOP, PHONE]) {
      await agent.setViewportSize(size);
      await agent.screenshot({ path: `/tmp/guichet-ux-agent-booking-form-${size.width}.png` });
    }
    if (own) await agent.setViewportSize(own);
    await agent.getByRole('button', { name: fr['book.submit'] }).click();
    const card = agent.locator('.appt', { hasText: name });
    await card.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    expect(await card.textContent()).toContain('Note : Dossier 2026-117');

    // The invitation reaches the SMTP server, and the console says it was sent.
    await expect
      .poll(() => mail.mails.filter((m) => m.to.includes(email)).length, { timeout: 15_000 })
      .toBe(1);
    const text = mail.mails.find((m) => m.to.includes(email))?.parsed.text ?? '';
    const link = /http:\/\/127\.0\.0\.1:\d+\/r\/[a-z0-9-]+\?t=[A-Za-z0-9._~-]+/.exec(text)?.[0];
    expect(link, text).toBeDefined();
    await expect
      .poll(() => card.locator('.delivery.sent').first().textContent(), { timeout: 15_000 })
      .toMatch(/^Invitation · e-mail : envoyé à \d\d:\d\d$/);
    await axe(agent, `${state}: day with an appointment`);

    const citizen = await open();
    await joinByLink(citizen, link ?? '', name);
    await citizen.locator('#view-lobby').waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    // The reference typed in the form is what she reads; the note is not.
    await expect
      .poll(() => citizen.locator('#view-lobby [data-context]').textContent(), { timeout: MEDIA_DEADLINE_MS })
      .toContain('Dossier 2026-0042');
    expect(await citizen.locator('#view-lobby [data-context]').textContent()).not.toContain('2026-117');

    await expect
      .poll(() => agent.locator('#waiting').textContent(), { timeout: 15_000 })
      .toBe(`${name} attend depuis 0 min`);
    expect(await agent.title()).toBe(`(1) ${name} attend depuis 0 min`);
    await axe(agent, `${state}: someone knocking`);

    // « Rejoindre »: one click, and the agent is in the call, as host, under their own name.
    await card.getByRole('button', { name: `${fr['appt.join']} – ${name}` }).click();
    await agent.waitForURL(/\/r\/[a-z0-9-]+\?t=/);
    await waitForCallView(agent);
    // Only a host sees the lobby and can let someone in.
    await agent.getByRole('button', { name: citizenFr['knock.admit'] }).click();
    await waitForCallView(citizen);
    for (const page of [citizen, agent]) {
      await expect.poll(() => remoteTiles(page), { timeout: MEDIA_DEADLINE_MS }).toBe(1);
    }
    await Promise.all([expectMediaFlowing(citizen), expectMediaFlowing(agent)]);
  }

  it('OpenID Connect: sign in at the provider, book, invitation mailed, the citizen knocks, « Rejoindre », video both ways', async () => {
    const agent = await open();
    await agent.goto(`${server.baseUrl}/agent`);
    await agent.getByRole('heading', { level: 1, name: fr['signin.title'] }).waitFor();
    await axe(agent, 'sign-in');
    await agent.getByRole('link', { name: 'Se connecter avec ProConnect' }).click();
    // The provider's own pages (oidc-provider's development login and consent).
    await agent.locator('input[name="login"]').fill('alice.oidc');
    await agent.locator('input[name="password"]').fill('anything');
    await agent.getByRole('button', { name: 'Sign-in' }).click();
    await agent.getByRole('button', { name: 'Continue' }).click();
    await dayHeading(agent).waitFor({ timeout: 15_000 });
    expect(await agent.locator('#who').textContent()).toBe('Alice Martin');
    await axe(agent, 'oidc: empty day');
    await bookKnockJoin(agent, 'Marie Dupont', 'marie@example.org', 'oidc');
    expect(violations).toEqual([]);
  });

  it('local account: the same flow, from the sign-in form', async () => {
    const agent = await open();
    await agent.goto(`${server.baseUrl}/agent`);
    await signInLocal(agent, 'bob');
    await dayHeading(agent).waitFor();
    expect(await agent.locator('#who').textContent()).toBe('Bob Durand');
    // Alice's appointment (previous test) is not Bob's: not listed.
    expect(await agent.locator('.appt', { hasText: 'Marie Dupont' }).count()).toBe(0);
    await bookKnockJoin(agent, 'Jeanne Petit', 'jeanne@example.org', 'local');
    expect(violations).toEqual([]);
  });

  it('an expired session goes back to sign-in, and the unfinished booking comes back as it was', async () => {
    const agent = await open();
    await agent.goto(`${server.baseUrl}/agent`);
    await signInLocal(agent, 'bob');
    await dayHeading(agent).waitFor();
    await fillBooking(agent, 'Paul Martin', 'paul@example.org');
    skew = 11 * 60 * 60_000;
    await agent.getByRole('button', { name: fr['book.submit'] }).click();
    await agent.getByText(fr['signin.expired']).waitFor({ timeout: 10_000 });
    await axe(agent, 'expired session');
    skew = 0;
    await signInLocal(agent, 'bob');
    await agent.getByRole('dialog').waitFor();
    expect(await agent.getByLabel(fr['book.name']).inputValue()).toBe('Paul Martin');
    expect(await agent.getByLabel(fr['book.email']).inputValue()).toBe('paul@example.org');
    expect(await agent.getByLabel(fr['book.note']).inputValue()).toBe('Dossier 2026-117');
    await agent.getByRole('button', { name: fr['book.submit'] }).click();
    await agent.locator('.appt', { hasText: 'Paul Martin' }).waitFor({ timeout: 10_000 });
    expect(violations).toEqual([]);
  });

  it("admin: every agent's appointments, today's load, failed deliveries with their reason", async () => {
    mail.refuse.add('refused@example.org');
    const api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'bob', name: 'Bob Durand' }));
    await api.book({
      startsAt: new Date(Date.now() + 20 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Luc Refus', email: 'refused@example.org' },
      channels: ['email'],
    });
    const agent = await open();
    await agent.goto(`${server.baseUrl}/agent`);
    await signInLocal(agent, 'carol');
    await agent.getByRole('heading', { level: 1, name: fr['day.titleAdmin'] }).waitFor();
    // Alice's (OpenID) and Bob's (local) appointments, each with its agent.
    await agent.locator('.appt', { hasText: 'Marie Dupont' }).getByText('Agent : Alice Martin').waitFor();
    await agent.locator('.appt', { hasText: 'Jeanne Petit' }).getByText('Agent : Bob Durand').waitFor();
    await expect
      .poll(() => agent.locator('#admin-failed li').first().textContent(), { timeout: 15_000 })
      .toMatch(/^Luc Refus · Invitation · e-mail : .*550/);
    // Counted from the store, on the browser's calendar day (a run near midnight books into tomorrow).
    const timeZone = await agent.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const all = await apiClient(
      server.baseUrl,
      server.guichet.agents.mint({ id: 'carol', role: 'admin' }),
    ).list();
    const today = dayKey(new Date(), timeZone);
    const count = (agentId: string): number =>
      all.filter(
        (a) =>
          a.agent.id === agentId &&
          a.status !== 'cancelled' &&
          dayKey(new Date(a.startsAt), timeZone) === today,
      ).length;
    expect(count('bob') + count('alice.oidc')).toBeGreaterThan(0);
    const load = await agent.locator('#admin-load li').allTextContents();
    for (const [id, name] of [
      ['bob', 'Bob Durand'],
      ['alice.oidc', 'Alice Martin'],
    ] as const) {
      if (count(id) > 0) expect(load).toContain(`${name} : ${count(id)} rendez-vous`);
    }
    await axe(agent, 'admin');
    expect(violations).toEqual([]);
  });

  it('reschedule, resend, audit trail, copy, calendar feed and cancel from the console; English sign-in', async () => {
    const agent = await open();
    await agent.goto(`${server.baseUrl}/agent?lang=en`);
    await agent.getByRole('heading', { level: 1, name: 'Agent sign-in' }).waitFor();
    await axe(agent, 'sign-in (en)');
    await agent.goto(`${server.baseUrl}/agent`);
    await signInLocal(agent, 'bob');
    await dayHeading(agent).waitFor();
    const api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'bob', name: 'Bob Durand' }));
    const view = await api.book({
      startsAt: new Date(Date.now() + 2 * 60 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Anne Report', email: 'anne@example.org' },
      channels: ['email'],
    });
    const card = agent.locator('.appt', { hasText: 'Anne Report' });
    await card.waitFor({ timeout: 10_000 });
    const named = (key: keyof typeof fr) => ({ name: `${fr[key]} – Anne Report` });

    await card.getByRole('button', named('appt.reschedule')).click();
    const later = await localInputs(agent, 3 * 60);
    await agent.getByLabel(fr['book.date']).fill(later.date);
    await agent.getByLabel(fr['book.time']).fill(later.time);
    await axe(agent, 'reschedule dialog');
    await agent.locator('#book-dialog').getByRole('button', { name: fr['reschedule.submit'] }).click();
    await expect
      .poll(async () => (await api.get(view.id)).startsAt, { timeout: 10_000 })
      .not.toBe(view.startsAt);

    // The first invitation stays listed if it went out before the move (it is deleted if it had not).
    const invitations = async (): Promise<number> =>
      (await api.get(view.id)).notifications.filter((n) => n.kind === 'invitation').length;
    const before = await invitations();
    await card.getByRole('button', named('appt.resend')).click();
    await expect.poll(() => agent.locator('#announce').textContent()).toBe(fr['appt.resent']);
    await expect.poll(invitations).toBe(before + 1);

    await agent.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await card.getByRole('button', named('appt.copyPassword')).click();
    await expect.poll(() => agent.evaluate(() => navigator.clipboard.readText())).toBe(view.password);
    await card.getByRole('button', named('appt.copyDialIn')).click();
    await expect.poll(() => agent.evaluate(() => navigator.clipboard.readText())).toContain(view.dialIn.pin);

    await card.getByRole('button', named('appt.audit')).click();
    const audit = agent.locator('#audit-list');
    await expect.poll(() => audit.textContent()).toMatch(/réservé.*déplacé.*invitation renvoyée/s);
    await axe(agent, 'audit dialog');
    await agent.locator('#audit-dialog').getByRole('button', { name: fr['dialog.close'] }).click();

    await agent.getByRole('button', { name: fr['feed.open'] }).click();
    await agent.getByRole('button', { name: fr['feed.create'] }).click();
    // The address arrives with the server's answer: wait for it rather than read the field at once.
    const feedField = agent.getByLabel(fr['feed.url']);
    await expect.poll(() => feedField.inputValue()).toMatch(/^http/);
    const url = await feedField.inputValue();
    expect(await (await fetch(url)).text()).toContain('SUMMARY:Visio : Anne Report');
    await axe(agent, 'feed dialog');
    await agent.getByRole('button', { name: fr['feed.revoke'] }).click();
    await expect.poll(() => agent.locator('#feed-state').textContent()).toBe(fr['feed.none']);
    expect((await fetch(url)).status).toBe(404);
    await agent.locator('#feed-dialog').getByRole('button', { name: fr['dialog.close'] }).click();

    agent.once('dialog', (dialog) => void dialog.accept());
    await card.getByRole('button', named('appt.cancel')).click();
    await expect
      .poll(() => card.locator('.state').textContent(), { timeout: 10_000 })
      .toBe(fr['state.cancelled']);
    expect((await api.get(view.id)).status).toBe('cancelled');
    await axe(agent, 'day with a cancelled appointment');
    expect(violations).toEqual([]);
  });

  it('on a tablet (768×1024): nothing wider than the screen, touch targets of 44 px, the booking dialog fits', async () => {
    const agent = await open({ width: 768, height: 1024 });
    await agent.goto(`${server.baseUrl}/agent`);
    await signInLocal(agent, 'bob');
    await dayHeading(agent).waitFor();
    await agent.locator('.appt').first().waitFor();
    const layout = async () =>
      agent.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        smallTargets: [...document.querySelectorAll('button, a.button, input, select')]
          .filter(
            (e) => e.getClientRects().length > 0 && !(e instanceof HTMLInputElement && e.type === 'checkbox'),
          )
          .filter((e) => e.getBoundingClientRect().height < 44)
          .map((e) => e.outerHTML.slice(0, 80)),
      }));
    expect(await layout()).toEqual({ overflow: 0, smallTargets: [] });
    await agent.getByRole('button', { name: fr['book.open'] }).click();
    const box = await agent.locator('#book-dialog').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 768).toBe(true);
    expect(await layout()).toEqual({ overflow: 0, smallTargets: [] });
    await axe(agent, 'tablet: booking dialog');
    expect(violations).toEqual([]);
  });

  it('a cross-site form post with the agent signed in is refused and books nothing', async () => {
    const agent = await open();
    await agent.goto(`${server.baseUrl}/agent`);
    await signInLocal(agent, 'bob');
    await dayHeading(agent).waitFor();
    const api = apiClient(server.baseUrl, server.guichet.agents.mint({ id: 'bob', name: 'Bob Durand' }));
    const before = (await api.list()).length;

    // Another site (127.0.0.2 is another origin and another site) with a self-submitting form.
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><body>
<form method="POST" action="${server.baseUrl}/api/v1/appointments" enctype="text/plain">
<input name='{"startsAt":"2030-01-01T10:00:00Z","durationMinutes":30,"channels":["email"],"citizen":{"displayName":"X","email":"x@example.org"},"x":"' value='"}'>
<button>Go</button></form></body></html>`);
    });
    evil.listen(0, '127.0.0.2');
    await once(evil, 'listening');
    try {
      await agent.goto(`http://127.0.0.2:${(evil.address() as AddressInfo).port}/`);
      const [response] = await Promise.all([
        agent.waitForResponse((r) => r.url().startsWith(`${server.baseUrl}/api/v1/appointments`)),
        agent.getByRole('button', { name: 'Go' }).click(),
      ]);
      expect([401, 403]).toContain(response.status());
    } finally {
      evil.closeAllConnections();
      await new Promise((resolve) => evil.close(resolve));
    }
    expect((await api.list()).length).toBe(before);
  });
});
