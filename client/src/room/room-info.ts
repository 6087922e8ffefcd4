import {
  DialInInfoSchema,
  JitsiConfCodeSchema,
  JitsiDialInNumbersSchema,
  RoomInfoSchema,
  type DialInInfo,
  type RoomId,
  type RoomInfo,
} from '../../../signaling/protocol/index.js';

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

/**
 * The number and PIN for someone who came in with the room password (no
 * link token, so no room context): the Jitsi-compatible endpoints, with the
 * password in a header. Nothing when the server has no dial-in.
 */
export async function fetchDialInByPassword(
  roomId: RoomId,
  password: string,
): Promise<DialInInfo | undefined> {
  try {
    const [numbers, code] = await Promise.all([
      fetch('/api/v1/dial-in/numbers', { credentials: 'omit' }),
      fetch(`/api/v1/dial-in/code?conference=${encodeURIComponent(roomId)}`, {
        cache: 'no-store',
        credentials: 'omit',
        headers: { 'x-room-password': password },
      }),
    ]);
    if (!numbers.ok || !code.ok) return undefined;
    const list = JitsiDialInNumbersSchema.safeParse(await numbers.json());
    const pin = JitsiConfCodeSchema.safeParse(await code.json());
    if (!list.success || !pin.success) return undefined;
    const info = DialInInfoSchema.safeParse({
      pin: pin.data.id,
      numbers: list.data.map((n) => ({
        country: n.countryCode,
        number: n.formattedNumber,
        tollFree: n.tollFree,
        default: n.default,
      })),
    });
    return info.success ? info.data : undefined;
  } catch {
    return undefined;
  }
}
