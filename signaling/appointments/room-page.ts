import type { JoinTokens } from '../auth/join-token.js';
import type { RoomInfo } from '../protocol/index.js';
import type { DialInInfo, DialInNumber } from '../protocol/dial-in.js';
import { renderWaitingPage, type WaitingState } from '../http/waiting-page.js';
import type { AppointmentRecord, Store } from '../store/store.js';
import {
  agentMayEnter,
  citizenAccess,
  citizenWindow,
  localDayStart,
  type AccessPolicy,
} from './access-window.js';
import { isOver, statusAt } from './appointment-state.js';

export type RoomPage = { kind: 'app'; info?: RoomInfo } | { kind: 'waiting'; status: number; html: string };

export interface RoomPageDeps {
  store: Store;
  tokens: JoinTokens;
  access: AccessPolicy;
  clock: () => number;
  serviceName: string;
  /** DIAL_IN_NUMBERS; empty: no dial-in on the pages. */
  dialInNumbers?: readonly DialInNumber[];
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
    // Only for this room's own appointment: never a PIN by room id alone, nor for another room's token.
    const dialIn =
      appointment && appointment.roomId === roomId
        ? dialInInfo(appointment, deps.dialInNumbers ?? [])
        : undefined;
    const page = (
      state: WaitingState,
      status: number,
      locale: 'fr' | 'en' = 'fr',
      timeZone = 'Europe/Paris',
      opensAt = appointment ? citizenWindow(appointment, deps.access).opensAt : now,
    ) => ({
      kind: 'waiting' as const,
      status,
      html: renderWaitingPage({
        state,
        locale,
        timeZone,
        startsAt: appointment?.startsAt ?? now,
        opensAt,
        now,
        serviceName: deps.serviceName,
        // A citizen who comes early may call from the opening too: her link proves she may know the PIN.
        ...(state === 'early' && claims?.role === 'citizen' && dialIn ? { dialIn } : {}),
      }),
    });
    if (!claims || !appointment || appointment.roomId !== roomId) return page('invalid', 404);
    const { locale, timeZone } = appointment;
    if (appointment.status === 'cancelled') return page('cancelled', 410, locale, timeZone);
    // Ended or nobody came: the link says it is over instead of opening a new knock.
    if (isOver(statusAt(appointment, deps.access, now))) return page('closed', 410, locale, timeZone);
    const info = roomInfo(appointment, claims.role, deps.serviceName);
    const app = {
      kind: 'app' as const,
      info: claims.role === 'citizen' && dialIn ? { ...info, dialIn } : info,
    };
    if (claims.role === 'host') {
      // The agent may enter any time on the day; before it, the page says when it opens
      // (the join itself is still what checks, later).
      if (now < appointment.startsAt && !agentMayEnter(appointment, deps.access, now)) {
        return page('early', 200, locale, timeZone, localDayStart(appointment.startsAt, timeZone));
      }
      return app;
    }
    const access = citizenAccess(appointment, deps.access, now);
    if (access === 'open') return app;
    return page(access, access === 'early' ? 200 : 410, locale, timeZone);
  };
}

/** The room's context (RoomInfoSchema): for whoever holds a valid one-click link, never anyone else. */
function roomInfo(appointment: AppointmentRecord, role: 'host' | 'citizen', serviceName: string): RoomInfo {
  return {
    role,
    serviceName,
    agentName: appointment.agentName,
    displayName: role === 'host' ? appointment.agentName : appointment.citizen.displayName,
    startsAt: new Date(appointment.startsAt).toISOString(),
    durationMinutes: appointment.durationMinutes,
    timeZone: appointment.timeZone,
    reference: appointment.citizenReference,
  };
}

function dialInInfo(
  appointment: AppointmentRecord,
  numbers: readonly DialInNumber[],
): DialInInfo | undefined {
  return numbers.length > 0 ? { pin: appointment.pin, numbers: [...numbers] } : undefined;
}
