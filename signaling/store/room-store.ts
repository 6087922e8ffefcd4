import type { ParticipantKind, PeerId, PeerState, Role, RoomId } from '../protocol/index.js';

/** A bookable room as stored: no secret in clear, no personal data. */
export interface RoomRecord {
  id: RoomId;
  /** HMAC of the normalised password (signaling/rooms/secrets). */
  passwordDigest: string;
  title: string | null;
  /** Agent id (JWT `sub`) of whoever created it. */
  createdBy: string;
  createdAt: string;
}

/**
 * One member of a live room as another node (or this one, after a media
 * restart) needs it to give the place back: role, admission, and a digest of
 * the resume secret (never the secret). The display name is what the person
 * typed and is shown to the room; it is deleted with the member.
 */
export interface MemberRecord {
  roomId: RoomId;
  peerId: PeerId;
  displayName: string;
  role: Role;
  kind: ParticipantKind;
  state: PeerState;
  /** SHA-256 of the resume secret, base64url. */
  resumeDigest: string;
  appointmentId: string | null;
  updatedAt: number;
}

export interface RoomStore {
  createRoom(record: RoomRecord): Promise<void>;
  getRoom(id: RoomId): Promise<RoomRecord | null>;
  deleteRoom(id: RoomId): Promise<void>;

  // Members of live rooms (admissions, roles, resume digests)
  /** Inserts or replaces. */
  saveMember(record: MemberRecord): Promise<void>;
  getMember(roomId: RoomId, peerId: PeerId): Promise<MemberRecord | null>;
  deleteMember(roomId: RoomId, peerId: PeerId): Promise<void>;
  /** All of a room's members (the room closed). */
  deleteMembers(roomId: RoomId): Promise<void>;

  close(): Promise<void>;
}
