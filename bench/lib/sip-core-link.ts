import type { Logger } from 'pino';
import type { SipProcessConfig } from '../../sip-gateway/config.js';
import { CoreRoomLink } from '../../sip-gateway/room/core-room-link.js';
import type { RoomLink } from '../../sip-gateway/room/room-link.js';

/** The real link to the room core, as sip-gateway/main.ts builds it (GUICHET_URL, SIP_SERVICE_TOKEN). */
export function coreRoomLink(config: SipProcessConfig, log: Logger): RoomLink {
  return new CoreRoomLink({ url: config.room.url, serviceToken: config.room.serviceToken, log });
}
