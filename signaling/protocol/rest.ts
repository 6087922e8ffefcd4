import * as z from 'zod';
import type { RoomId } from './ids.js';

/** POST /api/v1/rooms: an ad-hoc room, before appointments exist. */
export const CreateRoomBodySchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type CreateRoomBody = z.infer<typeof CreateRoomBodySchema>;

export interface CreateRoomResponse {
  roomId: RoomId;
  password: string;
  joinUrl: string;
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  workersAlive: number;
  workersTotal: number;
  workerBin: string | null;
  uptimeSeconds: number;
}
