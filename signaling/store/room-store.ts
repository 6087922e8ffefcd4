import type { RoomId } from '../protocol/index.js';

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

export interface RoomStore {
  createRoom(record: RoomRecord): Promise<void>;
  getRoom(id: RoomId): Promise<RoomRecord | null>;
  deleteRoom(id: RoomId): Promise<void>;
  close(): Promise<void>;
}
