import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AgentAuth } from '../auth/agent-auth.js';
import type { MediaBackend } from '../rooms/media-port.js';
import type { RoomService } from '../rooms/room-service.js';
import { registerClientRoutes } from './client-routes.js';
import { installErrorHandler } from './error-handler.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerRoomsRoutes } from './rooms-routes.js';

export interface HttpDeps {
  log: Logger;
  rooms: RoomService;
  agents: AgentAuth;
  media: MediaBackend;
  publicUrl: () => string;
  clientDir: string;
  /** Behind a reverse proxy, trust X-Forwarded-* for the client address. */
  trustProxy: boolean;
}

export async function createHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  // Explicit generics: the route modules take the default FastifyInstance, and pino's Logger fits FastifyBaseLogger.
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: deps.log.child({ component: 'http' }),
    trustProxy: deps.trustProxy,
    bodyLimit: 64 * 1024,
    // Request ids in logs, not client-provided ones.
    genReqId: (() => {
      let next = 0;
      return () => `r${(next += 1).toString(36)}`;
    })(),
  });
  installErrorHandler(app);
  registerHealthRoutes(app, deps.media, Date.now());
  registerRoomsRoutes(app, { rooms: deps.rooms, agents: deps.agents, publicUrl: deps.publicUrl });
  await registerClientRoutes(app, deps.clientDir);
  return app;
}
