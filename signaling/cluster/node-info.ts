import { z } from 'zod';

/** What a node says about itself in the registry, refreshed with every heartbeat. */
export const NodeInfoSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** Where clients reach this node's signaling (NODE_URL, default PUBLIC_URL). */
  url: z.url(),
  /** The address browsers send media to (MEDIA_ANNOUNCED_ADDRESS or the listen IP). */
  mediaAddress: z.string().min(1).max(255),
  /** Rooms this node accepts before it counts as full (NODE_MAX_ROOMS). */
  capacity: z.number().int().positive(),
  load: z.object({
    rooms: z.number().int().nonnegative(),
    peers: z.number().int().nonnegative(),
    /** The busiest media worker's CPU share over the last heartbeat, 0..1. */
    workerCpu: z.number().min(0).max(1),
  }),
  startedAt: z.number().int(),
  seenAt: z.number().int(),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;
export type NodeLoad = NodeInfo['load'];

/** The node ids are also Redis key parts and URL path segments: NODE_ID is checked against this. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
