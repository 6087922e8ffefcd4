import { RoomInfoSchema, type RoomId, type RoomInfo } from '../../../signaling/protocol/index.js';

/*
 * The appointment around the call, from `GET /r/<room>/info?t=<token>`
 * (RoomInfoSchema in signaling/protocol/room-info.ts): which service, which
 * agent, when, the booking's name for whoever holds the link, and the file
 * reference the agent chose to show. Only one-click links have it; the page
 * works without it (ad-hoc rooms, an unreachable server).
 */
export type { RoomInfo };

export async function fetchRoomInfo(roomId: RoomId, token: string): Promise<RoomInfo | undefined> {
  try {
    const response = await fetch(`/r/${encodeURIComponent(roomId)}/info?t=${encodeURIComponent(token)}`, {
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) return undefined;
    const parsed = RoomInfoSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
