import type { RoomId } from '../../signaling/protocol/index.js';
import type { RoomRecord, RoomStore } from '../../signaling/store/room-store.js';

/** A RoomStore in a Map, for unit tests of the rooms domain. */
export class MemoryRoomStore implements RoomStore {
  readonly #rooms = new Map<RoomId, RoomRecord>();

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

  async close(): Promise<void> {
    this.#rooms.clear();
  }
}
