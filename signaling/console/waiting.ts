import type { AuditEvent } from '../store/store.js';

/**
 * Since when someone has been knocking, read from the appointment's audit
 * trail (so any node can tell, whichever one holds the room): a guest who
 * joined into the lobby and was not yet admitted, refused or removed, and
 * has not left. The earliest such knock, or null.
 */
export function waitingSince(events: readonly AuditEvent[]): number | null {
  const knocking = new Map<string, number>();
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    const peerId = typeof event.detail['peerId'] === 'string' ? event.detail['peerId'] : null;
    if (event.type === 'ended') knocking.clear();
    if (!peerId) continue;
    if (event.type === 'joined' && event.detail['state'] === 'lobby') knocking.set(peerId, event.at);
    else if (['admitted', 'refused', 'removed', 'left'].includes(event.type)) knocking.delete(peerId);
  }
  const times = [...knocking.values()];
  return times.length === 0 ? null : Math.min(...times);
}
