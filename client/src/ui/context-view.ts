import { currentLang } from '../i18n/i18n.js';
import type { RoomInfo } from '../room/room-info.js';
import { create, setText } from './dom.js';

/** « 14 h 30 » in French, « 2:30 PM » in English, in the appointment's zone. */
export function formatTime(iso: string, timeZone: string, lang: 'fr' | 'en'): string {
  const instant = new Date(iso);
  if (lang === 'en') {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: '2-digit', hour12: true })
      .format(instant)
      .toUpperCase();
  }
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  // No-break spaces: « 14 h 30 » never splits across lines.
  return `${hour}\u00a0h\u00a0${minute}`;
}

export function formatDate(iso: string, timeZone: string, lang: 'fr' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(new Date(iso));
}

/**
 * The line that says where she is, on the join page, in the lobby and in the
 * call: the service, the agent (for the citizen) and the date and time.
 * Every element marked data-context gets it.
 */
export function showContext(info: RoomInfo): void {
  const lang = currentLang();
  for (const line of document.querySelectorAll<HTMLElement>('[data-context]')) {
    const service = create('strong', { className: 'context-service' });
    service.textContent = info.serviceName;
    const parts: HTMLElement[] = [service];
    if (info.role === 'citizen') {
      const agent = create('span', { className: 'context-agent' });
      setText(agent, 'context.withAgent', { agent: info.agentName });
      parts.push(agent);
    }
    const when = create('span', { className: 'context-when' });
    setText(when, 'context.when', {
      date: formatDate(info.startsAt, info.timeZone, lang),
      time: formatTime(info.startsAt, info.timeZone, lang),
    });
    parts.push(when);
    // « · » between the parts, so they read (and copy) as separate pieces.
    line.replaceChildren(...parts.flatMap((part, i) => (i === 0 ? [part] : [' · ', part])));
    line.hidden = false;
  }
}
