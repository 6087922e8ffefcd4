import type { JoinTokens } from '../auth/join-token.js';
import { renderWaitingPage, type WaitingState } from '../http/waiting-page.js';
import type { Store } from '../store/store.js';
import { citizenAccess, citizenWindow, type AccessPolicy } from './access-window.js';
import { isOver, statusAt } from './appointment-state.js';

export type RoomPage = { kind: 'app' } | { kind: 'waiting'; status: number; html: string };

export interface RoomPageDeps {
  store: Store;
  tokens: JoinTokens;
  access: AccessPolicy;
  clock: () => number;
  serviceName: string;
}

/**
 * What `/r/:roomId?t=…` shows: the app when the link may enter now,
 * otherwise a page that says when (or why not). Links without a token
 * always get the app, which asks for the password.
 */
export function roomPageResolver(deps: RoomPageDeps) {
  return async (roomId: string, token: string | undefined): Promise<RoomPage> => {
    if (token === undefined) return { kind: 'app' };
    const claims = deps.tokens.read(token, roomId);
    const appointment = claims ? await deps.store.getAppointment(claims.appointmentId) : null;
    const now = deps.clock();
    const page = (
      state: WaitingState,
      status: number,
      locale: 'fr' | 'en' = 'fr',
      timeZone = 'Europe/Paris',
    ) => ({
      kind: 'waiting' as const,
      status,
      html: renderWaitingPage({
        state,
        locale,
        timeZone,
        startsAt: appointment?.startsAt ?? now,
        opensAt: appointment ? citizenWindow(appointment, deps.access).opensAt : now,
        now,
        serviceName: deps.serviceName,
      }),
    });
    if (!claims || !appointment || appointment.roomId !== roomId) return page('invalid', 404);
    const { locale, timeZone } = appointment;
    if (appointment.status === 'cancelled') return page('cancelled', 410, locale, timeZone);
    // Ended or nobody came: the link says it is over instead of opening a new knock.
    if (isOver(statusAt(appointment, deps.access, now))) return page('closed', 410, locale, timeZone);
    // The agent's link is checked by the join itself (any time on the day).
    if (claims.role === 'host') return { kind: 'app' };
    const access = citizenAccess(appointment, deps.access, now);
    if (access === 'open') return { kind: 'app' };
    return page(access, access === 'early' ? 200 : 410, locale, timeZone);
  };
}
