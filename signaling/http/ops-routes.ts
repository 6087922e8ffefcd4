import type { FastifyInstance } from 'fastify';
import type { MediaBackend } from '../rooms/media-port.js';

/** What readiness depends on; the Store satisfies `store`. */
export interface OpsDeps {
  media: Pick<MediaBackend, 'health'>;
  /** The store (SQLite or Redis) answering a trivial query. */
  store: { ping(): Promise<void> };
  /** False once the server drains for a shutdown: a load balancer should send new calls elsewhere. */
  accepting?: () => boolean;
  /** How long the store gets to answer; a hung Redis must not hang the probe. Default 1 s. */
  pingTimeoutMs?: number;
}

export interface ReadyResponse {
  ready: boolean;
  /** Why not, in words an operator can act on; empty when ready. Never internals (those are logged). */
  reasons: string[];
}

/**
 * GET /ready: may this node take new calls? 200 when at least one media
 * worker runs, the store answers and no shutdown is draining; else 503 with
 * the reasons. /health (liveness) stays 200 meanwhile: restarting a node
 * whose Redis is away would not bring Redis back.
 */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  const timeoutMs = deps.pingTimeoutMs ?? 1000;
  app.get('/ready', async (request, reply) => {
    const reasons: string[] = [];
    if (deps.accepting && !deps.accepting()) reasons.push('shutting down: draining calls');
    const media = deps.media.health();
    if (media.workersAlive === 0) reasons.push(`no media worker alive (0 of ${media.workersTotal})`);
    try {
      await withTimeout(deps.store.ping(), timeoutMs);
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: store ping failed');
      reasons.push('store not answering');
    }
    const body: ReadyResponse = { ready: reasons.length === 0, reasons };
    return reply.status(body.ready ? 200 : 503).send(body);
  });
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
