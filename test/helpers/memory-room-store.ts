import type { PeerId, RoomId } from '../../signaling/protocol/index.js';
import type { MemberRecord, RoomRecord, RoomStore } from '../../signaling/store/room-store.js';

/** A RoomStore in Maps, for unit tests of the rooms domain. */
export class MemoryRoomStore implements RoomStore {
  readonly #rooms = new Map<RoomId, RoomRecord>();
  readonly members = new Map<string, MemberRecord>();

  async createRoom(record: RoomRecord): Promise<void> {
    if (this.#rooms.has(record.id)) throw new Error(`room ${record.id} already exists`);
    this.#rooms.set(record.id, { ...record });
  }

  async getRoom(id: RoomId): Promise<RoomRecord | null> {
    const found = this.#rooms.get(id);
    return found ? { ...found } : null;
  }

  async deleteRoom(id: RoomId): Promise<void> {
    this.#rooms.delete(id);
  }

  async saveMember(record: MemberRecord): Promise<void> {
    this.members.set(`${record.roomId}/${record.peerId}`, { ...record });
  }

  async getMember(roomId: RoomId, peerId: PeerId): Promise<MemberRecord | null> {
    const found = this.members.get(`${roomId}/${peerId}`);
    return found ? { ...found } : null;
  }

  async deleteMember(roomId: RoomId, peerId: PeerId): Promise<void> {
    this.members.delete(`${roomId}/${peerId}`);
  }

  async deleteMembers(roomId: RoomId): Promise<void> {
    for (const key of [...this.members.keys()]) if (key.startsWith(`${roomId}/`)) this.members.delete(key);
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.members.clear();
  }
}
