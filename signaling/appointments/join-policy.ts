import type { Agent, AgentAuth } from '../auth/agent-auth.js';
import { looksLikeJoinToken, type JoinTokens } from '../auth/join-token.js';
import { AppError, AuthError } from '../errors.js';
import type { JoinRequest } from '../protocol/index.js';
import { AdHocJoinPolicy } from '../rooms/ad-hoc-join-policy.js';
import type { JoinGrant, JoinPolicy } from '../rooms/join-policy.js';
import type { PasswordHasher } from '../rooms/secrets.js';
import type { RoomRecord } from '../store/room-store.js';
import type { AppointmentRecord, Store } from '../store/store.js';
import { agentMayEnter, citizenAccess, type AccessPolicy } from './access-window.js';

export interface AppointmentJoinPolicyDeps {
  store: Store;
  agents: AgentAuth;
  joinTokens: JoinTokens;
  passwords: PasswordHasher;
  access: AccessPolicy;
  clock: () => number;
}

/**
 * Entry rules for every room:
 * - an ad-hoc room (no appointment): agents as host, anyone with the password as guest;
 * - an appointment room: its agent (or an admin) as host on the day; the
 *   citizen, by one-click link or password, inside the access window only;
 *   nobody once it is cancelled.
 */
export class AppointmentJoinPolicy implements JoinPolicy {
  readonly #deps: AppointmentJoinPolicyDeps;
  readonly #adHoc: AdHocJoinPolicy;

  constructor(deps: AppointmentJoinPolicyDeps) {
    this.#deps = deps;
    this.#adHoc = new AdHocJoinPolicy(deps.agents, deps.passwords);
  }

  async authorise(request: JoinRequest, room: RoomRecord): Promise<JoinGrant> {
    const appointment = await this.#deps.store.getAppointmentByRoom(room.id);
    if (!appointment) return this.#adHoc.authorise(request, room);
    if (appointment.status === 'cancelled')
      throw new AppError('ACCESS_CLOSED', 'this appointment was cancelled', 403);
    const host = { appointmentId: appointment.id, lobby: false };
    const guest = { appointmentId: appointment.id, lobby: true };

    if (request.token !== undefined && looksLikeJoinToken(request.token)) {
      const claims = this.#deps.joinTokens.verifyForRoom(request.token, room.id);
      if (claims.appointmentId !== appointment.id) throw new AuthError('invalid link');
      if (claims.role === 'host') {
        this.#checkAgentDay(appointment);
        return { role: 'host', ...host };
      }
      this.#checkCitizenWindow(appointment);
      return { role: 'guest', ...guest };
    }
    if (request.token !== undefined) {
      const agent = this.#deps.agents.verify(request.token);
      this.#checkOwner(agent, appointment);
      this.#checkAgentDay(appointment);
      return { role: 'host', ...host };
    }
    if (
      request.password !== undefined &&
      this.#deps.passwords.matches(request.password, room.passwordDigest)
    ) {
      this.#checkCitizenWindow(appointment);
      return { role: 'guest', ...guest };
    }
    throw new AppError('WRONG_PASSWORD', 'wrong password for this room', 401);
  }

  #checkOwner(agent: Agent, appointment: AppointmentRecord): void {
    if (agent.role !== 'admin' && agent.id !== appointment.agentId) {
      throw new AppError('FORBIDDEN', 'this appointment belongs to another agent', 403);
    }
  }

  #checkAgentDay(appointment: AppointmentRecord): void {
    if (!agentMayEnter(appointment, this.#deps.access, this.#deps.clock())) {
      throw new AppError('ACCESS_CLOSED', 'agents may enter on the day of the appointment', 403);
    }
  }

  #checkCitizenWindow(appointment: AppointmentRecord): void {
    const access = citizenAccess(appointment, this.#deps.access, this.#deps.clock());
    if (access === 'early') throw new AppError('NOT_OPEN_YET', 'the room is not open yet', 403);
    if (access === 'closed') throw new AppError('ACCESS_CLOSED', 'this appointment is over', 403);
  }
}
