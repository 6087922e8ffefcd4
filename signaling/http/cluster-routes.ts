import type { FastifyInstance } from 'fastify';
import { CLUSTER_NODES_PATH, type ClusterNodes } from '../protocol/cluster.js';

/**
 * The cluster's live nodes, for the browser client: if the node that served
 * its page dies, it reconnects through another one. Public on purpose: the
 * addresses are the ones any redirect hands out anyway.
 */
export function registerClusterRoutes(app: FastifyInstance, nodes: () => ClusterNodes['nodes']): void {
  app.get(CLUSTER_NODES_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { nodes: nodes() } satisfies ClusterNodes;
  });
}
