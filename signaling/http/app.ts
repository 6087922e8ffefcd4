import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AppointmentService } from '../appointments/appointment-service.js';
import type { AgentAuth } from '../auth/agent-auth.js';
import type { LocalAccounts } from '../auth/local-accounts.js';
import type { OidcSignIn } from '../auth/oidc.js';
import type { Sessions } from '../auth/sessions.js';
import type { AccountStore } from '../store/account-store.js';
import type { MediaBackend } from '../rooms/media-port.js';
import type { RoomService } from '../rooms/room-service.js';
import type { Store } from '../store/store.js';
import { trackApiRoutes } from './api-coverage.js';
import { registerAppointmentsRoutes } from './appointments-routes.js';
import { registerClientRoutes, type ResolveRoomPage } from './client-routes.js';
import { ConsoleAuth } from './console-auth.js';
import { registerConsoleRoutes } from './console-routes.js';
import { registerDocsRoutes } from './docs-routes.js';
import { installErrorHandler } from './error-handler.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { registerRoomsRoutes } from './rooms-routes.js';
import { installSecurityHeaders } from './security-headers.js';
import type { CookiePolicy } from './session-cookie.js';
import { registerSessionRoutes } from './session-routes.js';

/** The agent console's parts (server/guichet.ts builds them). */
export interface ConsoleDeps {
  accounts: AccountStore;
  sessions: Sessions;
  cookie: CookiePolicy;
  /** null when LOCAL_ACCOUNTS=false. */
  local: LocalAccounts | null;
  oidc: { signIn: OidcSignIn; label: string } | null;
  clock: () => number;
}

export interface HttpDeps {
  log: Logger;
  rooms: RoomService;
  appointments: AppointmentService;
  store: Store;
  agents: AgentAuth;
  media: MediaBackend;
  /** Read per request: in development it is only known once the server listens. */
  publicUrl: () => string;
  clientDir: string;
  resolveRoomPage: ResolveRoomPage;
  /** Behind a reverse proxy, trust X-Forwarded-* for the client address. */
  trustProxy: boolean;
  console: ConsoleDeps;
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
  installSecurityHeaders(app);
  const apiRoutes = trackApiRoutes(app);
  registerHealthRoutes(app, deps.media, Date.now());
  registerOpsRoutes(app, { media: deps.media, store: deps.store, accepting: () => deps.rooms.accepting });
  registerRoomsRoutes(app, { rooms: deps.rooms, agents: deps.agents, publicUrl: deps.publicUrl });
  const origin = (): string => new URL(deps.publicUrl()).origin;
  const consoleAuth = new ConsoleAuth({
    agents: deps.agents,
    sessions: deps.console.sessions,
    cookie: deps.console.cookie,
    origin,
  });
  registerAppointmentsRoutes(app, {
    appointments: deps.appointments,
    agents: deps.agents,
    store: deps.store,
    authenticate: consoleAuth.authenticate,
  });
  registerSessionRoutes(app, {
    auth: consoleAuth,
    sessions: deps.console.sessions,
    cookie: deps.console.cookie,
    accounts: deps.console.local,
    oidc: deps.console.oidc,
    origin,
    log: deps.log.child({ component: 'console' }),
  });
  registerConsoleRoutes(app, {
    authenticate: consoleAuth.authenticate,
    appointments: deps.appointments,
    store: deps.store,
    accounts: deps.console.accounts,
    clientDir: deps.clientDir,
    publicUrl: deps.publicUrl,
    clock: deps.console.clock,
  });
  registerDocsRoutes(app, deps.publicUrl);
  await registerClientRoutes(app, deps.clientDir, deps.resolveRoomPage);
  // Once every plugin's routes are in: a route missing from the catalog stops the start.
  app.addHook('onReady', async () => apiRoutes.check());
  return app;
}
