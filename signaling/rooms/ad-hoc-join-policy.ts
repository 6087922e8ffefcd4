import type { AgentAuth } from '../auth/agent-auth.js';
import { AppError } from '../errors.js';
import type { RoomRecord } from '../store/room-store.js';
import type { EntryCredential, JoinGrant, JoinPolicy } from './join-policy.js';
import type { PasswordHasher } from './secrets.js';

/** Rooms without an appointment: every agent (bearer token) is host, whoever has the password is guest. */
export class AdHocJoinPolicy implements JoinPolicy {
  constructor(
    private readonly agents: AgentAuth,
    private readonly passwords: PasswordHasher,
  ) {}

  async authorise(credential: EntryCredential, room: RoomRecord): Promise<JoinGrant> {
    if (credential.kind === 'token') {
      this.agents.verify(credential.token);
      return { role: 'host', appointmentId: null, lobby: false, kind: 'web' };
    }
    if (credential.kind === 'password' && this.passwords.matches(credential.password, room.passwordDigest)) {
      return { role: 'guest', appointmentId: null, lobby: false, kind: 'web' };
    }
    // A PIN or a service belongs to an appointment; an ad-hoc room has neither.
    throw new AppError('WRONG_PASSWORD', 'wrong password for this room');
  }
}
