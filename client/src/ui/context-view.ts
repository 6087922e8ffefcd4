import { formatTime } from '../../../signaling/protocol/index.js';
import { currentLang } from '../i18n/i18n.js';
import type { RoomInfo } from '../room/room-info.js';
import { create, setText } from './dom.js';

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
 * call: the service, the agent (for the citizen), the date and time, and
 * the file reference the agent chose to show.
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
    if (info.reference) {
      // As the agent wrote it for her (« Dossier 2026-0042 »): their words, not a label of ours.
      const reference = create('span', { className: 'context-reference' });
      reference.textContent = info.reference;
      parts.push(reference);
    }
    // « · » between the parts, so they read (and copy) as separate pieces.
    line.replaceChildren(...parts.flatMap((part, i) => (i === 0 ? [part] : [' · ', part])));
    line.hidden = false;
  }
}
