import type { Logger } from 'pino';
import type { RoomLink } from '../../sip-gateway/room/room-link.js';

/** The real link to the room core, as sip-gateway/main.ts builds it from its SIP_* variables. */
export function coreRoomLink(log: Logger): RoomLink {
  log.error('bench: the room-core link is not bound in this tree yet');
  throw new Error('the room-core RoomLink is not in this tree yet (BENCH_SIP_ROOM=synthetic)');
}
