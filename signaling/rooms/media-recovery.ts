import type { Logger } from 'pino';
import type { RoomId } from '../protocol/index.js';
import type { MediaBackend, MediaRoom, MediaRoomListener } from './media-port.js';
import { Room, type RoomAudit } from './room.js';

export interface RoomMediaOptions {
  roomId: RoomId;
  appointmentId: string | null;
  media: MediaBackend;
  log: Logger;
  audit: RoomAudit;
  /** The media could not be reopened in time: the room must end. */
  lost(room: Room): void;
  /** How long to keep trying a live worker after the room's worker died (default 15 s). */
  recoveryMs?: number;
}

const DEFAULT_RECOVERY_MS = 15_000;
const RETRY_DELAYS_MS = [0, 100, 250, 500, 1000];

/**
 * A Room and its media, kept together across a worker's death: when the
 * media plane says the room's media failed, the same Room (members, roles,
 * admissions, lock) gets a fresh router on a live worker and tells its
 * members to rebuild their transports. The call goes on; nobody rejoins.
 */
export async function openRoomMedia(options: RoomMediaOptions): Promise<Room> {
  const { roomId, media, log } = options;
  // The listener needs the Room, which needs the media: a late-bound reference.
  const ref: { room?: Room } = {};
  const listener: MediaRoomListener = {
    consumerClosed: (peerId, consumerId) => {
      const member = ref.room?.member(peerId);
      member?.consumerGone(consumerId);
      member?.channel.consumerClosed(consumerId);
    },
    activeSpeaker: (peerId) => ref.room?.broadcast((c) => c.activeSpeaker(peerId)),
    failed: () => {
      const room = ref.room;
      if (!room || room.closed) return;
      log.warn('media failed; reopening it on a live worker');
      room.audit('media-restarted', 'system', {});
      void reopen(room).then(
        (fresh) => {
          if (room.closed) {
            fresh.close();
            return;
          }
          room.replaceMedia(fresh);
          log.info('media reopened; members rebuild their transports');
        },
        (error: unknown) => {
          log.error({ err: error }, 'media could not be reopened; closing the room');
          options.lost(room);
        },
      );
    },
  };
  const reopen = async (room: Room): Promise<MediaRoom> => {
    const deadline = Date.now() + (options.recoveryMs ?? DEFAULT_RECOVERY_MS);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await media.openRoom(roomId, listener, log);
      } catch (error) {
        // With one worker, the pool needs a moment to start its replacement.
        const delay = RETRY_DELAYS_MS[Math.min(attempt + 1, RETRY_DELAYS_MS.length - 1)] ?? 1000;
        if (room.closed || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  const first = await media.openRoom(roomId, listener, log);
  const room = new Room(roomId, options.appointmentId, first, log, options.audit);
  ref.room = room;
  return room;
}
