import type { AgendaItem } from '../../../signaling/protocol/console.js';
import type { NotificationView } from '../../../signaling/protocol/index.js';
import { groupByDay } from './agenda.js';
import { button, byId, el } from './dom.js';
import { consoleLang, labelOf, tc } from './i18n.js';

export interface DayActions {
  join(item: AgendaItem): void;
  copy(text: string, what: 'link' | 'password' | 'dialIn'): void;
  resend(item: AgendaItem): void;
  reschedule(item: AgendaItem): void;
  cancel(item: AgendaItem): void;
  audit(item: AgendaItem): void;
}

const locale = (): string => (consoleLang() === 'fr' ? 'fr-FR' : 'en-GB');

function time(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

function dayTitle(key: string): string {
  // Noon UTC of that date names the right day in any time zone within ±12 h.
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${key}T12:00:00Z`));
}

/** « Invitation · e-mail : envoyée à 09:02 », « … : échec (550 mailbox unavailable) », « … : en attente ». */
function delivery(n: NotificationView): HTMLLIElement {
  const what = `${labelOf('kind', n.kind)} · ${labelOf('channel', n.channel)}`;
  const status =
    n.status === 'sent' && n.sentAt
      ? tc('delivery.sentAt', { time: time(n.sentAt) })
      : n.status === 'failed'
        ? tc('delivery.failedBecause', { reason: n.lastError ?? '?' })
        : labelOf('delivery', n.status);
  return el('li', { className: `delivery ${n.status}` }, [`${what} : `, el('span', { text: status })]);
}

function card(item: AgendaItem, showAgent: boolean, actions: DayActions): HTMLLIElement {
  const name = item.citizen.displayName;
  const head = el('div', { className: 'appt-head' }, [
    el('p', { className: 'appt-time', text: `${time(item.startsAt)} – ${time(item.endsAt)}` }),
    el('h3', { className: 'appt-name', text: name }),
    el('span', { className: `state state-${item.status}`, text: labelOf('state', item.status) }),
  ]);
  const body: (Node | string)[] = [head];
  if (showAgent) body.push(el('p', { className: 'hint', text: tc('appt.agent', { name: item.agent.name }) }));
  if (item.note) body.push(el('p', { className: 'appt-note', text: tc('appt.note', { note: item.note }) }));
  if (item.waitingSince) body.push(el('p', { className: 'appt-waiting', text: tc('appt.waiting') }));
  if (item.notifications.length > 0) {
    body.push(
      el(
        'ul',
        { className: 'deliveries', attrs: { 'aria-label': tc('appt.deliveries') } },
        item.notifications.map(delivery),
      ),
    );
  }
  const cancelled = item.status === 'cancelled';
  const named = (key: Parameters<typeof tc>[0]): string => `${tc(key)} – ${name}`;
  const row: HTMLButtonElement[] = [];
  if (!cancelled) {
    row.push(button('appt.join', () => actions.join(item), 'button primary small', named('appt.join')));
    row.push(
      button(
        'appt.copyLink',
        () => actions.copy(item.links.citizen, 'link'),
        'button small',
        named('appt.copyLink'),
      ),
    );
    row.push(
      button(
        'appt.copyPassword',
        () => actions.copy(item.password, 'password'),
        'button small',
        named('appt.copyPassword'),
      ),
    );
    const dialIn = item.dialIn.number
      ? tc('appt.dialInText', { number: item.dialIn.number, pin: item.dialIn.pin })
      : tc('appt.pinText', { pin: item.dialIn.pin });
    row.push(
      button(
        'appt.copyDialIn',
        () => actions.copy(dialIn, 'dialIn'),
        'button small',
        named('appt.copyDialIn'),
      ),
    );
    row.push(button('appt.resend', () => actions.resend(item), 'button small', named('appt.resend')));
    row.push(
      button('appt.reschedule', () => actions.reschedule(item), 'button small', named('appt.reschedule')),
    );
    row.push(
      button('appt.cancel', () => actions.cancel(item), 'button small danger-outline', named('appt.cancel')),
    );
  }
  row.push(button('appt.audit', () => actions.audit(item), 'button small', named('appt.audit')));
  body.push(el('div', { className: 'appt-actions' }, row));
  return el(
    'li',
    { className: `appt${item.waitingSince ? ' knocking' : ''}`, attrs: { 'data-appointment': item.id } },
    body,
  );
}

/** Renders the appointments by local day into #days. */
export function renderDays(
  items: readonly AgendaItem[],
  timeZone: string,
  showAgent: boolean,
  actions: DayActions,
): void {
  const days = byId('days', HTMLDivElement);
  days.replaceChildren(
    ...groupByDay(items, timeZone).map((group) =>
      el('section', { className: 'day', attrs: { 'aria-label': dayTitle(group.key) } }, [
        el('h2', { text: dayTitle(group.key) }),
        el(
          'ul',
          { className: 'appts plain-list' },
          group.items.map((item) => card(item, showAgent, actions)),
        ),
      ]),
    ),
  );
  byId('day-empty', HTMLParagraphElement).hidden = items.length > 0;
}
