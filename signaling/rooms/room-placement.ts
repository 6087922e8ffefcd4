import type { PeerId, PeerState, RoomId, Role } from '../protocol/index.js';

/**
 * Which node a room lives on. RoomService asks before it opens a room here
 * and tells when the room closes here; the cluster's directory implements it
 * (signaling/cluster), and a single node always places a room on itself.
 */
export interface RoomPlacement {
  /** Resolves when this node may open the room; throws RoomElsewhereError when another node owns it. */
  claim(roomId: RoomId): Promise<void>;
  /** The room closed on this node: its claim goes. Never throws. */
  release(roomId: RoomId): void;
}

/** Who a member was, enough for any node to give them their place back (resume). */
export interface MemberRecord {
  peerId: PeerId;
  displayName: string;
  role: Role;
  state: PeerState;
}

/**
 * Memberships kept where another node (or a fresh room on another worker)
 * can read them: a resume after the room's node died keeps role and
 * admission. The secret is checked, never returned.
 */
export interface MemberLedger {
  remember(roomId: RoomId, member: MemberRecord, resumeSecret: string): void;
  recall(roomId: RoomId, peerId: PeerId, resumeSecret: string): Promise<MemberRecord | null>;
  forget(roomId: RoomId, peerId: PeerId): void;
  /** The room ended for everyone: nobody will resume into it. */
  forgetRoom(roomId: RoomId): void;
}
