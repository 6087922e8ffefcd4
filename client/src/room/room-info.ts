import * as z from 'zod';
import type { RoomId } from '../../../signaling/protocol/index.js';

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
