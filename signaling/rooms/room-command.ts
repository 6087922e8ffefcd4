import type { RoomId } from '../protocol/index.js';

/**
 * What another part of the system (a REST cancel, a reschedule, an
 * end-for-all) asks of a live room, wherever it lives. RoomService.apply
 * acts on the local room; a RoomCommandSink carries the command to the node
 * that owns the room (signaling/cluster/command-bus.ts).
 */
export type RoomCommand = { kind: 'cancel' } | { kind: 'reschedule'; startsAt: string } | { kind: 'end' };

export interface RoomCommandSink {
  send(roomId: RoomId, command: RoomCommand): Promise<void>;
}
