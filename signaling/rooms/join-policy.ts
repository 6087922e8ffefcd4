import type { JoinRequest, Role } from '../protocol/index.js';
import type { RoomRecord } from '../store/room-store.js';

export interface JoinGrant {
  role: Role;
  /** Set when the room belongs to an appointment (for its audit trail). */
  appointmentId: string | null;
  /** Wait in the lobby until a host admits (guests of appointment rooms). */
  lobby: boolean;
}

/**
 * Caps on guessing (signaling/security/attempt-limiter): runs the check of
 * the secret unless too many wrong tries came from this address or against
 * this room, and answers a wrong secret and an unknown room alike.
 */
export interface JoinGuard {
  guard<T>(context: { address: string; target: string }, attempt: () => Promise<T>): Promise<T>;
}

/**
 * Who may enter a room, as what. The rules depend on appointments (access
 * windows, owners), which the rooms domain doesn't know: the composition
 * root injects signaling/appointments/join-policy.
 */
export interface JoinPolicy {
  /** Resolves with the grant, or throws an AppError saying why not. */
  authorise(request: JoinRequest, room: RoomRecord): Promise<JoinGrant>;
}
