import type { AgendaItem, SessionView } from '../../../signaling/protocol/console.js';
import { LANG_STORAGE_KEY, pickInitialLang, type Lang } from '../i18n/i18n.js';
import { beep } from '../room/beep.js';
import { ApiError, ConsoleApi } from './api.js';
import { knocking, waitedMinutes } from './agenda.js';
import { BookingForm } from './booking-form.js';
import { renderDays } from './day-view.js';
import { byId, translateStatic } from './dom.js';
import { consoleLang, setConsoleLang, tc } from './i18n.js';
import { FeedPanel, renderAdmin, showAudit } from './panels.js';
import { leaveConsoleHandoff } from '../ui/console-handoff.js';

/** How often the day is read again (knocks, delivery statuses). Polling keeps it simple and works on any node. */
const POLL_MS = 4_000;
/** The citizen page's own key: « Rejoindre » fills the agent's name in the pre-join form. */
const NAME_SETTING = 'guichet.displayName';
const DAYS_AHEAD = 14;

function setting(key: string, value?: string): string | null {
  try {
    if (value !== undefined) window.localStorage.setItem(key, value);
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

class ConsoleApp {
  readonly #api = new ConsoleApi(() => this.#signedOut());
  readonly #booking = new BookingForm(this.#api, (message) => this.#done(message));
  readonly #feed = new FeedPanel(this.#api);
  readonly #timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  #session: SessionView | null = null;
  #items: AgendaItem[] = [];
  #timer: number | undefined;
  #knownKnocks = new Set<string>();

  async start(): Promise<void> {
    byId('signin-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#signIn();
    });
    byId('sign-out', HTMLButtonElement).addEventListener('click', () => void this.#signOut());
    byId('book-open', HTMLButtonElement).addEventListener('click', () => this.#booking.openNew());
    byId('feed-open', HTMLButtonElement).addEventListener(
      'click',
      () => void this.#feed.open().catch((e: unknown) => this.#fail(e)),
    );
    byId('audit-close', HTMLButtonElement).addEventListener('click', () =>
      byId('audit-dialog', HTMLDialogElement).close(),
    );
    if (new URLSearchParams(window.location.search).get('signin') === 'failed')
      this.#alert(tc('signin.oidcFailed'));
    try {
      this.#enter(await this.#api.session());
    } catch {
      await this.#showSignIn(false);
    }
  }

  #alert(text: string): void {
    byId('alert', HTMLDivElement).textContent = text;
  }

  #done(message: string): void {
    byId('announce', HTMLParagraphElement).textContent = message;
    void this.#refresh();
  }

  #fail(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) return;
    this.#alert(error instanceof ApiError ? error.message : tc('error.network'));
  }

  async #showSignIn(expired: boolean): Promise<void> {
    window.clearInterval(this.#timer);
    this.#session = null;
    byId('view-day', HTMLElement).hidden = true;
    byId('who', HTMLSpanElement).hidden = true;
    byId('sign-out', HTMLButtonElement).hidden = true;
    byId('signin-expired', HTMLParagraphElement).hidden = !expired;
    document.title = tc('console.title');
    const options = await this.#api.options().catch(() => ({ local: true, oidc: null }));
    const oidc = byId('signin-oidc', HTMLAnchorElement);
    oidc.hidden = options.oidc === null;
    if (options.oidc) {
      oidc.href = options.oidc.url;
      oidc.textContent = tc('signin.oidc', { provider: options.oidc.label });
    }
    byId('signin-form', HTMLFormElement).hidden = !options.local;
    byId('view-signin', HTMLElement).hidden = false;
    byId('signin-title', HTMLHeadingElement).focus();
  }

  #signedOut(): void {
    if (!this.#session) return;
    this.#booking.suspend();
    void this.#showSignIn(true);
  }

  async #signIn(): Promise<void> {
    const id = byId('signin-id', HTMLInputElement);
    const password = byId('signin-password', HTMLInputElement);
    if (!id.value.trim() || !password.value) {
      this.#alert(tc('signin.missing'));
      return;
    }
    try {
      const session = await this.#api.signIn(id.value.trim(), password.value);
      password.value = '';
      this.#alert('');
      this.#enter(session);
    } catch (error) {
      this.#alert(
        error instanceof ApiError && error.status === 401 ? tc('signin.wrong') : tc('error.network'),
      );
    }
  }

  async #signOut(): Promise<void> {
    await this.#api.signOut().catch(() => undefined);
    window.sessionStorage.clear();
    await this.#showSignIn(false);
  }

  #enter(session: SessionView): void {
    this.#session = session;
    this.#api.csrfToken = session.csrfToken;
    byId('view-signin', HTMLElement).hidden = true;
    byId('view-day', HTMLElement).hidden = false;
    const who = byId('who', HTMLSpanElement);
    who.textContent =
      session.agent.role === 'admin' ? tc('who.admin', { name: session.agent.name }) : session.agent.name;
    who.hidden = false;
    byId('sign-out', HTMLButtonElement).hidden = false;
    byId('day-title', HTMLHeadingElement).textContent = tc(
      session.agent.role === 'admin' ? 'day.titleAdmin' : 'day.title',
    );
    byId('admin-panel', HTMLElement).hidden = session.agent.role !== 'admin';
    byId('day-title', HTMLHeadingElement).focus();
    this.#booking.restoreDraft();
    void this.#refresh();
    window.clearInterval(this.#timer);
    this.#timer = window.setInterval(() => void this.#refresh(), POLL_MS);
  }

  async #refresh(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    const to = new Date(from.getTime() + DAYS_AHEAD * 24 * 60 * 60_000);
    try {
      this.#items = await this.#api.agenda(from, to);
      this.#render();
      if (session.agent.role === 'admin') {
        await renderAdmin(this.#api, this.#items, this.#timeZone, (item) => this.#focusItem(item));
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #focusItem(item: AgendaItem): void {
    document.querySelector<HTMLElement>(`[data-appointment="${CSS.escape(item.id)}"] button`)?.focus();
  }

  #render(): void {
    const session = this.#session;
    if (!session) return;
    renderDays(this.#items, this.#timeZone, session.agent.role === 'admin', {
      join: (item) => this.#join(item, session),
      copy: (text, what) => void this.#copy(text, what),
      resend: (item) =>
        void this.#api.resend(item.id).then(
          () => this.#done(tc('appt.resent')),
          (e: unknown) => this.#fail(e),
        ),
      reschedule: (item) => this.#booking.openReschedule(item),
      cancel: (item) => {
        if (!window.confirm(tc('appt.cancelConfirm', { name: item.citizen.displayName }))) return;
        void this.#api.cancel(item.id).then(
          () => this.#done(tc('appt.cancelled')),
          (e: unknown) => this.#fail(e),
        );
      },
      audit: (item) => void showAudit(this.#api, item).catch((e: unknown) => this.#fail(e)),
    });
    this.#renderKnocks();
  }

  /** « Marie Dupont attend depuis 2 min », the tab title, and a sound for each new knock. */
  #renderKnocks(): void {
    const waiting = knocking(this.#items);
    const now = Date.now();
    const lines = waiting.map((item) =>
      tc('knock.line', { name: item.citizen.displayName, minutes: waitedMinutes(item.waitingSince, now) }),
    );
    byId('waiting', HTMLParagraphElement).textContent = lines.join(' · ');
    document.title = waiting.length > 0 ? `(${waiting.length}) ${lines[0] ?? ''}` : tc('console.title');
    const fresh = waiting.filter((item) => !this.#knownKnocks.has(`${item.id}:${item.waitingSince}`));
    if (fresh.length > 0) beep();
    this.#knownKnocks = new Set(waiting.map((item) => `${item.id}:${item.waitingSince}`));
  }

  #join(item: AgendaItem, session: SessionView): void {
    setting(NAME_SETTING, session.agent.name);
    leaveConsoleHandoff(item.roomId);
    window.location.assign(item.links.agent);
  }

  async #copy(text: string, what: 'link' | 'password' | 'dialIn'): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      byId('announce', HTMLParagraphElement).textContent = tc(`copied.${what}`);
    } catch {
      window.prompt(tc('copy.manual'), text);
    }
  }
}

function applyLang(lang: Lang): void {
  setConsoleLang(lang);
  document.documentElement.lang = lang;
  translateStatic(document);
  const switcher = byId('lang-switch', HTMLButtonElement);
  switcher.lang = lang === 'fr' ? 'en' : 'fr';
  switcher.textContent = tc('lang.switch');
  switcher.setAttribute('aria-label', tc('lang.switchLabel'));
}

function main(): void {
  applyLang(
    pickInitialLang({
      search: window.location.search,
      stored: setting(LANG_STORAGE_KEY),
      navigatorLanguage: window.navigator.language,
    }),
  );
  const app = new ConsoleApp();
  byId('lang-switch', HTMLButtonElement).addEventListener('click', () => {
    const next: Lang = consoleLang() === 'fr' ? 'en' : 'fr';
    setting(LANG_STORAGE_KEY, next);
    applyLang(next);
    // Dynamic parts (day titles, states) are rendered again in the new language.
    window.location.reload();
  });
  void app.start();
}

main();
