import type { Credential, ParticipantKind, Role } from '../protocol/index.js';
import type { RoomRecord } from '../store/room-store.js';

export interface JoinGrant {
  role: Role;
  /** Set when the room belongs to an appointment (for its audit trail and state). */
  appointmentId: string | null;
  /** Wait in the lobby until a host admits (guests of appointment rooms). */
  lobby: boolean;
  kind: ParticipantKind;
}

/** A credential that enters a room afresh: a resume is checked by the room itself. */
export type EntryCredential = Exclude<Credential, { kind: 'resume' }>;

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
 * windows, owners, PINs), which the rooms domain doesn't know: the
 * composition root injects signaling/appointments/join-policy.
 */
export interface JoinPolicy {
  /** Resolves with the grant, or throws an AppError saying why not. */
  authorise(credential: EntryCredential, room: RoomRecord): Promise<JoinGrant>;
  /**
   * A service that vouches for its callers (the phone gateway with the right
   * token): its joins all come from one address, so the per-address caps
   * would throttle every caller at once; the gateway caps wrong PINs per
   * caller and per trunk itself. Absent: nobody is trusted.
   */
  trustedService?(credential: EntryCredential): boolean;
}
