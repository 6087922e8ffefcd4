import * as z from 'zod';

/** GET /api/v1/cluster/nodes: the live nodes' signaling addresses, the client's fallbacks if its own node dies. */
export const ClusterNodesSchema = z.object({
  nodes: z.array(z.object({ id: z.string().min(1).max(64), url: z.url().max(2048) })).max(256),
});
export type ClusterNodes = z.infer<typeof ClusterNodesSchema>;

export const CLUSTER_NODES_PATH = '/api/v1/cluster/nodes';
