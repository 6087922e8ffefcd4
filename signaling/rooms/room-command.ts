import type { RoomId } from '../protocol/index.js';

/** What the rest of the system may ask of a live room, from any node. */
export type RoomCommand = { kind: 'cancel' } | { kind: 'reschedule'; startsAt: string } | { kind: 'end' };

/**
 * Carries a command to wherever the room lives. The local sink acts on this
 * node's room; a bus (Redis) reaches the owner node. Sending to a room that
 * is not live anywhere is not an error: there is nobody to tell.
 */
export interface RoomCommandSink {
  send(roomId: RoomId, command: RoomCommand): Promise<void>;
}
