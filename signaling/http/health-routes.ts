import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '../protocol/index.js';
import type { MediaBackend } from '../rooms/media-port.js';

export function registerHealthRoutes(app: FastifyInstance, media: MediaBackend, startedAt: number): void {
  app.get('/health', async () => {
    const health = media.health();
    const response: HealthResponse = {
      // Degraded, not down: a dead worker is being replaced and other rooms still work.
      status: health.workersAlive === health.workersTotal ? 'ok' : 'degraded',
      workersAlive: health.workersAlive,
      workersTotal: health.workersTotal,
      workerBin: health.workerBin,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    return response;
  });
}
