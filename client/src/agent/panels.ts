import type { AgendaItem } from '../../../signaling/protocol/console.js';
import type { ConsoleApi } from './api.js';
import { dayKey, loadByAgent } from './agenda.js';
import { button, byId, el } from './dom.js';
import { consoleLang, labelOf, tc } from './i18n.js';

const when = (iso: string): string =>
  new Intl.DateTimeFormat(consoleLang() === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(new Date(iso));

/** « Journal »: the appointment's audit trail (no personal data in it). */
export async function showAudit(api: ConsoleApi, item: AgendaItem): Promise<void> {
  const events = await api.audit(item.id);
  byId('audit-title', HTMLHeadingElement).textContent = tc('audit.titleFor', {
    name: item.citizen.displayName,
  });
  byId('audit-list', HTMLOListElement).replaceChildren(
    ...events.map((e) =>
      el('li', {}, [
        el('time', { text: when(e.at), attrs: { datetime: e.at } }),
        ` ${labelOf('audit', e.type)} (${e.actor})`,
      ]),
    ),
  );
  const dialog = byId('audit-dialog', HTMLDialogElement);
  if (!dialog.open) dialog.showModal();
}

/** The calendar feed: shown once when made (only its digest is kept), revocable. */
export class FeedPanel {
  readonly #dialog = byId('feed-dialog', HTMLDialogElement);
  readonly #state = byId('feed-state', HTMLParagraphElement);
  readonly #url = byId('feed-url', HTMLInputElement);

  constructor(private readonly api: ConsoleApi) {
    byId('feed-create', HTMLButtonElement).addEventListener('click', () => void this.#create());
    byId('feed-revoke', HTMLButtonElement).addEventListener('click', () => void this.#revoke());
    byId('feed-close', HTMLButtonElement).addEventListener('click', () => this.#dialog.close());
  }

  async open(): Promise<void> {
    const feed = await this.api.feed();
    this.#render(feed.active, null);
    if (!this.#dialog.open) this.#dialog.showModal();
  }

  #render(active: boolean, url: string | null): void {
    this.#state.textContent = tc(url ? 'feed.created' : active ? 'feed.active' : 'feed.none');
    this.#url.hidden = url === null;
    byId('feed-url-label', HTMLLabelElement).hidden = url === null;
    this.#url.value = url ?? '';
    byId('feed-revoke', HTMLButtonElement).hidden = !active;
    byId('feed-create', HTMLButtonElement).textContent = tc(active ? 'feed.renew' : 'feed.create');
  }

  async #create(): Promise<void> {
    const feed = await this.api.createFeed();
    this.#render(true, feed.url);
    this.#url.focus();
    this.#url.select();
  }

  async #revoke(): Promise<void> {
    await this.api.revokeFeed();
    this.#render(false, null);
  }
}

/** Admins: today's load per agent, failed deliveries, the outbox (messages kept when no relay is set). */
export async function renderAdmin(
  api: ConsoleApi,
  items: readonly AgendaItem[],
  timeZone: string,
  onOpen: (item: AgendaItem) => void,
): Promise<void> {
  const today = dayKey(new Date(), timeZone);
  const load = loadByAgent(items, today, timeZone);
  byId('admin-load', HTMLUListElement).replaceChildren(
    ...(load.length === 0
      ? [el('li', { text: tc('admin.none') })]
      : load.map(([name, count]) => el('li', { text: tc('admin.loadLine', { name, count }) }))),
  );
  const failed = items.flatMap((item) =>
    item.notifications.filter((n) => n.status === 'failed').map((n) => ({ item, n })),
  );
  byId('admin-failed', HTMLUListElement).replaceChildren(
    ...(failed.length === 0
      ? [el('li', { text: tc('admin.none') })]
      : failed.map(({ item, n }) =>
          el('li', {}, [
            `${item.citizen.displayName} · ${labelOf('kind', n.kind)} · ${labelOf('channel', n.channel)} : ${n.lastError ?? '?'} `,
            button(
              'admin.show',
              () => onOpen(item),
              'button small',
              `${tc('admin.show')} – ${item.citizen.displayName}`,
            ),
          ]),
        )),
  );
  const outbox = await api.outbox();
  byId('admin-outbox', HTMLUListElement).replaceChildren(
    ...(outbox.length === 0
      ? [el('li', { text: tc('admin.outboxEmpty') })]
      : outbox.map((m) =>
          el('li', {}, [
            el('details', {}, [
              el('summary', { text: `${when(m.createdAt)} · ${labelOf('channel', m.channel)} · ${m.to}` }),
              el('pre', { className: 'outbox-text', text: m.text }),
            ]),
          ]),
        )),
  );
}
