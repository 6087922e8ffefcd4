import type { Agent, AgentAuth } from '../auth/agent-auth.js';
import { looksLikeJoinToken, type JoinTokens } from '../auth/join-token.js';
import { timingSafeEqual } from 'node:crypto';
import { AppError, AuthError } from '../errors.js';
import { AdHocJoinPolicy } from '../rooms/ad-hoc-join-policy.js';
import type { EntryCredential, JoinGrant, JoinPolicy } from '../rooms/join-policy.js';
import type { PasswordHasher } from '../rooms/secrets.js';
import type { RoomRecord } from '../store/room-store.js';
import type { AppointmentRecord, Store } from '../store/store.js';
import { agentMayEnter, citizenAccess, type AccessPolicy } from './access-window.js';
import { isOver } from './appointment-state.js';

export interface AppointmentJoinPolicyDeps {
  store: Store;
  agents: AgentAuth;
  joinTokens: JoinTokens;
  passwords: PasswordHasher;
  access: AccessPolicy;
  clock: () => number;
  /** The phone gateway's token (SERVICE_TOKEN); unset: no service may enter. */
  serviceToken?: string | undefined;
}

/**
 * Entry rules for every room:
 * - an ad-hoc room (no appointment): agents as host, anyone with the password as guest;
 * - an appointment room: its agent (or an admin) as host on the day; the
 *   citizen, by one-click link, password or dial-in PIN (the phone gateway's
 *   service credential), inside the access window only; nobody once it is
 *   cancelled or over.
 */
export class AppointmentJoinPolicy implements JoinPolicy {
  readonly #deps: AppointmentJoinPolicyDeps;
  readonly #adHoc: AdHocJoinPolicy;

  constructor(deps: AppointmentJoinPolicyDeps) {
    this.#deps = deps;
    this.#adHoc = new AdHocJoinPolicy(deps.agents, deps.passwords);
  }

  async authorise(credential: EntryCredential, room: RoomRecord): Promise<JoinGrant> {
    const appointment = await this.#deps.store.getAppointmentByRoom(room.id);
    if (!appointment) return this.#adHoc.authorise(credential, room);
    if (appointment.status === 'cancelled')
      throw new AppError('ACCESS_CLOSED', 'this appointment was cancelled');
    if (isOver(appointment.status)) throw new AppError('APPOINTMENT_OVER', 'this appointment is over');
    const host = { appointmentId: appointment.id, lobby: false, kind: 'web' as const };
    const guest = { appointmentId: appointment.id, lobby: true, kind: 'web' as const };

    switch (credential.kind) {
      case 'token': {
        if (looksLikeJoinToken(credential.token)) {
          const claims = this.#deps.joinTokens.verifyForRoom(credential.token, room.id);
          if (claims.appointmentId !== appointment.id) throw new AuthError('invalid link');
          if (claims.role === 'host') {
            this.#checkAgentDay(appointment);
            return { role: 'host', ...host };
          }
          this.#checkCitizenWindow(appointment);
          return { role: 'guest', ...guest };
        }
        const agent = this.#deps.agents.verify(credential.token);
        this.#checkOwner(agent, appointment);
        this.#checkAgentDay(appointment);
        return { role: 'host', ...host };
      }
      case 'password':
        if (!this.#deps.passwords.matches(credential.password, room.passwordDigest)) break;
        this.#checkCitizenWindow(appointment);
        return { role: 'guest', ...guest };
      case 'pin':
      case 'service': {
        if (credential.kind === 'service' && !this.#serviceMatches(credential.token)) {
          throw new AuthError('unknown service');
        }
        if (!samePin(credential.pin, appointment.pin)) break;
        this.#checkCitizenWindow(appointment);
        return { role: 'guest', ...guest, kind: credential.kind === 'service' ? 'phone' : 'web' };
      }
    }
    // One answer for a wrong secret, whatever its kind.
    throw new AppError('WRONG_PASSWORD', 'wrong password for this room');
  }

  trustedService(credential: EntryCredential): boolean {
    return credential.kind === 'service' && this.#serviceMatches(credential.token);
  }

  #serviceMatches(token: string): boolean {
    const expected = this.#deps.serviceToken;
    if (!expected) return false;
    const a = Buffer.from(token);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  #checkOwner(agent: Agent, appointment: AppointmentRecord): void {
    if (agent.role !== 'admin' && agent.id !== appointment.agentId) {
      throw new AppError('FORBIDDEN', 'this appointment belongs to another agent');
    }
  }

  #checkAgentDay(appointment: AppointmentRecord): void {
    if (!agentMayEnter(appointment, this.#deps.access, this.#deps.clock())) {
      throw new AppError('ACCESS_CLOSED', 'agents may enter on the day of the appointment');
    }
  }

  #checkCitizenWindow(appointment: AppointmentRecord): void {
    const access = citizenAccess(appointment, this.#deps.access, this.#deps.clock());
    if (access === 'early') throw new AppError('NOT_OPEN_YET', 'the room is not open yet');
    if (access === 'closed') throw new AppError('ACCESS_CLOSED', 'this appointment is over');
  }
}

function samePin(given: string, stored: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}
