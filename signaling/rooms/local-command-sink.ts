import type { RoomId } from '../protocol/index.js';
import type { RoomCommand, RoomCommandSink } from './room-command.js';

/** One node: a command goes straight to this node's room service. */
export class LocalRoomCommandSink implements RoomCommandSink {
  constructor(private readonly rooms: { apply(roomId: RoomId, command: RoomCommand): Promise<void> }) {}

  send(roomId: RoomId, command: RoomCommand): Promise<void> {
    return this.rooms.apply(roomId, command);
  }
}
