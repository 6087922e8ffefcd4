import type { Logger } from 'pino';
import type { RoomLink } from './room-link.js';

/**
 * What the gateway process runs with until the RoomLink is bound to the room
 * core (issue #12): every PIN gets `unavailable`, so callers hear « le
 * service est momentanément indisponible » instead of a wrong-code prompt
 * that would be a lie. It says so loudly at start.
 */
export function unboundRoomLink(log: Logger): RoomLink {
  log.warn('SIP gateway: no room core binding yet; every caller will hear "service unavailable"');
  return { enterWithPin: () => Promise.resolve({ state: 'unavailable' }) };
}
