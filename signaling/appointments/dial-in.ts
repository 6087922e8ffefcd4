import { timingSafeEqual } from 'node:crypto';
import { AuthError, AppError } from '../errors.js';
import type { DialInResolution } from '../protocol/index.js';
import type { Store } from '../store/store.js';
import { citizenAccess, citizenWindow, type AccessPolicy } from './access-window.js';

export interface DialInDeps {
  store: Pick<Store, 'findPin' | 'getAppointment'>;
  access: AccessPolicy;
  clock: () => number;
  /** SIP_SERVICE_TOKEN; unset: no phone gateway may ask. */
  serviceToken: string | undefined;
}

/**
 * From a dial-in PIN to its room, for the phone gateway only (its service
 * token). A plain store lookup, so any node answers; the join that follows
 * is routed to the room's owner. An unknown PIN, a released one (cancelled)
 * and an expired one are one and the same answer.
 */
export class DialIn {
  readonly #deps: DialInDeps;

  constructor(deps: DialInDeps) {
    this.#deps = deps;
  }

  /** `Authorization: Bearer <service token>`, compared in constant time. */
  checkService(header: string | undefined): void {
    const expected = this.#deps.serviceToken;
    const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!expected || !given || !sameText(given, expected)) throw new AuthError('unknown service');
  }

  async resolve(pin: string): Promise<DialInResolution> {
    const now = this.#deps.clock();
    const id = await this.#deps.store.findPin(pin, now);
    const appointment = id ? await this.#deps.store.getAppointment(id) : null;
    if (!appointment) throw new AppError('WRONG_PASSWORD', 'unknown or wrong PIN');
    const { opensAt } = citizenWindow(appointment, this.#deps.access);
    return {
      roomId: appointment.roomId,
      startsAt: new Date(appointment.startsAt).toISOString(),
      opensAt: new Date(opensAt).toISOString(),
      access: citizenAccess(appointment, this.#deps.access, now),
      status: appointment.status,
    };
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
