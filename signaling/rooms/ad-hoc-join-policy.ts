import type { AgentAuth } from '../auth/agent-auth.js';
import { AppError } from '../errors.js';
import type { JoinRequest } from '../protocol/index.js';
import type { RoomRecord } from '../store/room-store.js';
import type { JoinGrant, JoinPolicy } from './join-policy.js';
import type { PasswordHasher } from './secrets.js';

/** Rooms without an appointment: every agent (bearer token) is host, whoever has the password is guest. */
export class AdHocJoinPolicy implements JoinPolicy {
  constructor(
    private readonly agents: AgentAuth,
    private readonly passwords: PasswordHasher,
  ) {}

  async authorise(request: JoinRequest, room: RoomRecord): Promise<JoinGrant> {
    if (request.token !== undefined) {
      this.agents.verify(request.token);
      return { role: 'host', appointmentId: null, lobby: false };
    }
    if (request.password !== undefined && this.passwords.matches(request.password, room.passwordDigest)) {
      return { role: 'guest', appointmentId: null, lobby: false };
    }
    throw new AppError('WRONG_PASSWORD', 'wrong password for this room', 401);
  }
}
