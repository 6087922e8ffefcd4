import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AppointmentService } from '../appointments/appointment-service.js';
import type { DialIn } from '../appointments/dial-in.js';
import type { SecretBox } from '../appointments/sealed-secret.js';
import type { AgentAuth } from '../auth/agent-auth.js';
import type { LocalAccounts } from '../auth/local-accounts.js';
import type { OidcSignIn } from '../auth/oidc.js';
import type { Sessions } from '../auth/sessions.js';
import type { AccountStore } from '../store/account-store.js';
import type { MediaBackend } from '../rooms/media-port.js';
import type { RoomCommandSink } from '../rooms/room-command.js';
import type { RoomService } from '../rooms/room-service.js';
import type { Store } from '../store/store.js';
import { trackApiRoutes } from './api-coverage.js';
import { registerAppointmentsRoutes } from './appointments-routes.js';
import { registerClientRoutes, type ResolveRoomPage } from './client-routes.js';
import { registerClusterRoutes } from './cluster-routes.js';
import { ConsoleAuth } from './console-auth.js';
import { registerConsoleRoutes } from './console-routes.js';
import { registerDialInRoutes } from './dial-in-routes.js';
import { registerDocsRoutes } from './docs-routes.js';
import { installErrorHandler } from './error-handler.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerOpsRoutes } from './ops-routes.js';
import { registerRoomsRoutes } from './rooms-routes.js';
import { capConnectionsPerAddress } from '../security/connection-cap.js';
import type { RestLimiter } from '../security/rest-limiter.js';
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
  /** Room commands (end for all), to wherever the room lives. */
  commands: RoomCommandSink;
  appointments: AppointmentService;
  store: Store;
  /** Opens the outbox texts, kept sealed. */
  secrets: SecretBox;
  agents: AgentAuth;
  media: MediaBackend;
  /** Read per request: in development it is only known once the server listens. */
  publicUrl: () => string;
  clientDir: string;
  resolveRoomPage: ResolveRoomPage;
  /** Behind a reverse proxy, trust X-Forwarded-* for the client address. */
  trustProxy: boolean;
  /** The cluster's live nodes (this one included), read per request; unset: one node. */
  clusterNodes?: () => { id: string; url: string }[];
  /** Timeouts and caps (HTTP_* settings); absent: the defaults of server/config-schema.ts. */
  http?: HttpLimits;
  /** Told each time a cap refuses something (metrics). */
  onRefused?: (cap: RefusedCap) => void;
  /** REST calls per token; absent: no cap. */
  restLimiter?: RestLimiter;
  console: ConsoleDeps;
  /** The phone gateway's PIN lookup (always registered; it refuses everyone without SIP_SERVICE_TOKEN). */
  dialIn: DialIn;
}

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** 0: no cap. */
  maxConnectionsPerAddress: number;
}

export type RefusedCap = 'connections-per-address' | 'rest-calls-per-token' | 'join-attempts';

const DEFAULT_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerAddress: 100,
};

export async function createHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const limits = deps.http ?? DEFAULT_LIMITS;
  // Explicit generics: the route modules take the default FastifyInstance, and pino's Logger fits FastifyBaseLogger.
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: deps.log.child({ component: 'http' }),
    trustProxy: deps.trustProxy,
    bodyLimit: 64 * 1024,
    // Fastify's default requestTimeout 0 also turned off Node's headers timeout: a
    // half-sent request stayed open for good (slow loris). Every phase is bounded.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks those deadlines on this period (30 s by default): a quarter of the shortest.
      connectionsCheckingInterval: Math.max(
        250,
        Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4,
      ),
    },
    // Request ids in logs, not client-provided ones.
    genReqId: (() => {
      let next = 0;
      return () => `r${(next += 1).toString(36)}`;
    })(),
  });
  capConnectionsPerAddress(app.server, limits.maxConnectionsPerAddress, () =>
    deps.onRefused?.('connections-per-address'),
  );
  installErrorHandler(app);
  deps.restLimiter?.install(app);
  const nodes = deps.clusterNodes ?? (() => []);
  // Other nodes' origins only: this one is 'self' (behind one TLS origin, every node is).
  installSecurityHeaders(app, () => {
    const own = new URL(deps.publicUrl()).origin;
    return nodes()
      .map((node) => new URL(node.url).origin)
      .filter((origin) => origin !== own);
  });
  const apiRoutes = trackApiRoutes(app);
  registerHealthRoutes(app, deps.media, Date.now());
  registerOpsRoutes(app, { media: deps.media, store: deps.store, accepting: () => deps.rooms.accepting });
  registerRoomsRoutes(app, {
    rooms: deps.rooms,
    agents: deps.agents,
    store: deps.store,
    commands: deps.commands,
    publicUrl: deps.publicUrl,
  });
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
    secrets: deps.secrets,
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
  registerClusterRoutes(app, nodes);
  registerDialInRoutes(app, deps.dialIn);
  await registerClientRoutes(app, deps.clientDir, deps.resolveRoomPage);
  // Once every plugin's routes are in: a route missing from the catalog stops the start.
  app.addHook('onReady', async () => apiRoutes.check());
  return app;
}
