import * as z from 'zod';
import {
  DialInInfoSchema,
  JitsiConfCodeSchema,
  JitsiDialInNumbersSchema,
  type DialInInfo,
  type RoomId,
} from '../../../signaling/protocol/index.js';

/*
 * The appointment around the call, from `GET /r/<room>/info?t=<token>`
 * (signaling/appointments/room-page.ts): which service, which agent, when,
 * and the booking's name for whoever holds the link. Only one-click links
 * have it; the page works without it (ad-hoc rooms, an unreachable server).
 */
export const RoomInfoSchema = z.object({
  role: z.enum(['host', 'citizen']),
  serviceName: z.string().max(200),
  agentName: z.string().max(200),
  displayName: z.string().max(200),
  startsAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().positive(),
  timeZone: z.string().max(64),
  /** The citizen's link only, when the server has dial-in numbers. */
  dialIn: DialInInfoSchema.optional(),
});
export type RoomInfo = z.infer<typeof RoomInfoSchema>;

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
