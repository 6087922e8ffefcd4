import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import { Server as SocketServer } from 'socket.io';
import { AttemptLimiter } from '../signaling/security/attempt-limiter.js';
import type { LimiterBackend } from '../signaling/security/limiter-factory.js';
import { RestLimiter } from '../signaling/security/rest-limiter.js';
import { AppointmentService } from '../signaling/appointments/appointment-service.js';
import { AppointmentState } from '../signaling/appointments/appointment-state.js';
import { DialIn } from '../signaling/appointments/dial-in.js';
import { inviteLinks } from '../signaling/appointments/invite-link.js';
import { DialInCodes } from '../signaling/appointments/dial-in-code.js';
import { AppointmentJoinPolicy } from '../signaling/appointments/join-policy.js';
import { AppointmentLinks } from '../signaling/appointments/links.js';
import { eraseExpiredPersonalData } from '../signaling/appointments/retention.js';
import { roomPageResolver } from '../signaling/appointments/room-page.js';
import { NotificationScheduler } from '../signaling/appointments/scheduler.js';
import { SecretBox } from '../signaling/appointments/sealed-secret.js';
import { AgentAuth } from '../signaling/auth/agent-auth.js';
import { JoinTokens } from '../signaling/auth/join-token.js';
import { LocalAccounts } from '../signaling/auth/local-accounts.js';
import { OidcSignIn } from '../signaling/auth/oidc.js';
import { Sessions } from '../signaling/auth/sessions.js';
import { createIceServers } from '../signaling/auth/turn-credentials.js';
import { createHttpApp } from '../signaling/http/app.js';
import { defaultDialIn } from '../signaling/protocol/dial-in.js';
import { storeAuditSink } from '../signaling/rooms/audit.js';
import type { RoomCommandSink } from '../signaling/rooms/room-command.js';
import { DEFAULT_MEMBER_CAPS } from '../signaling/rooms/member-limits.js';
import { RoomService } from '../signaling/rooms/room-service.js';
import { PasswordHasher } from '../signaling/rooms/secrets.js';
import { createAccountStore } from '../signaling/store/account-factory.js';
import type { AccountStore } from '../signaling/store/account-store.js';
import { createStore } from '../signaling/store/create-store.js';
import type { Store } from '../signaling/store/store.js';
import { attachGateway } from '../signaling/ws/gateway.js';
import { SOCKET_SERVER_OPTIONS, type GatewayServer } from '../signaling/ws/socket-types.js';
import { createCluster, registerClusterMetrics, type Cluster } from './cluster.js';
import type { Config } from './config.js';
import { MediasoupBackend } from './media/mediasoup-backend.js';
import { GuichetMetrics, registerMetrics } from './metrics.js';
import { createNotificationSenders, messageComposer } from './notifications.js';

const RETENTION_INTERVAL_MS = 60 * 60_000;
/** Past this, a cap counts in memory for that call: a hung Redis must not hang every request. */
const LIMITER_COMMAND_TIMEOUT_MS = 250;

export interface Guichet {
  config: Config;
  http: FastifyInstance;
  io: GatewayServer;
  store: Store;
  rooms: RoomService;
  appointments: AppointmentService;
  commands: RoomCommandSink;
  scheduler: NotificationScheduler;
  media: MediasoupBackend;
  agents: AgentAuth;
  /** This node's registry entry, room directory and command bus. */
  cluster: Cluster;
  /** Local agent accounts, console sessions, feed tokens. */
  accounts: AccountStore;
  /** Address actually bound (port 0 in tests resolves here). */
  url: string;
  /** Refuse joins, tell clients to reconnect, wait for rooms to empty (up to drainMs), then close. */
  shutdown(drainMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface GuichetOptions {
  /** The clock for appointments and reminders; tests inject their own. */
  clock?: () => number;
  /** Start the reminder loop (default true); tests may drive `scheduler.tick()` themselves. */
  runScheduler?: boolean;
  /** How room commands travel (default: straight to this node's rooms). */
  commands?: (rooms: RoomService) => RoomCommandSink;
  /** A socket that joins no room within this is closed (default 30 s). */
  joinTimeoutMs?: number;
  /** The phone gateway's token for `service` credentials; overrides SIP_SERVICE_TOKEN (neither: no service may join). */
  serviceToken?: string;
}

/**
 * The counters of the abuse caps: in Redis (its own connection, no offline
 * queue, a short command timeout: a cap never waits for Redis, it falls back
 * to memory) when there is
 * one, so every node counts the same tries; in memory otherwise.
 */
function limiterBackend(
  config: Config,
  log: Logger,
): { backend: LimiterBackend; close: () => Promise<void> } {
  if (!config.store.redisUrl) return { backend: { kind: 'memory' }, close: async () => undefined };
  // commandTimeout: a Redis that is stopped (not down) would otherwise hold every capped call forever.
  const client = new Redis(config.store.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: LIMITER_COMMAND_TIMEOUT_MS,
  });
  client.on('error', (error: Error) =>
    log.debug({ reason: error.message }, 'limiter redis connection error'),
  );
  return {
    backend: { kind: 'redis', client, keyPrefix: config.store.redisKeyPrefix },
    close: async () => {
      client.disconnect();
    },
  };
}

function defaultClientDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled: dist/server → dist/client. From sources (tsx, vitest): server → dist/client.
  return here.endsWith(`${sep}dist${sep}server`)
    ? join(here, '..', 'client')
    : join(here, '..', 'dist', 'client');
}

/**
 * The composition root: config → store → media → domain → http + ws.
 * Used by main.ts and by the integration and e2e tests, so they run the
 * very same wiring as production.
 */
export async function startGuichet(
  config: Config,
  log: Logger,
  options: GuichetOptions = {},
): Promise<Guichet> {
  const clock = options.clock ?? Date.now;
  const serviceToken = options.serviceToken ?? config.sipServiceToken;
  const agents = new AgentAuth(config.agentJwt);
  const passwords = new PasswordHasher(config.secretKey);
  const secrets = new SecretBox(config.secretKey);
  const joinTokens = new JoinTokens(config.secretKey);
  // Known once listening; PUBLIC_URL overrides it (it is required in production).
  let url = '';
  const publicUrl = (): string => config.publicUrl ?? url;
  const links = new AppointmentLinks(joinTokens, config.access, publicUrl);

  const store = await createStore(
    {
      dataDir: config.store.dataDir,
      redisUrl: config.store.redisUrl,
      redisKeyPrefix: config.store.redisKeyPrefix,
      timeoutMs: config.store.timeoutMs,
    },
    log.child({ component: 'store' }),
  );
  const cleanup: (() => Promise<void>)[] = [() => store.close()];
  const undo = async (): Promise<void> => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };

  try {
    const accounts = await createAccountStore(
      {
        dataDir: config.store.dataDir,
        redisUrl: config.store.redisUrl,
        redisKeyPrefix: config.store.redisKeyPrefix,
      },
      log.child({ component: 'accounts' }),
    );
    cleanup.push(() => accounts.close());
    const oidcConfig = config.console.oidc;
    const consoleLog = log.child({ component: 'console' });
    const media = await MediasoupBackend.create(
      {
        count: config.media.workers,
        listenIp: config.media.listenIp,
        announcedAddress: config.media.announcedAddress,
        plainAnnouncedAddress: config.media.plainAnnouncedAddress,
        portBase: config.media.portBase,
        logLevel: config.media.workerLogLevel,
        respawnDelayMs: 500,
      },
      log,
    );
    cleanup.push(() => media.close());

    const appointmentState = new AppointmentState({
      store,
      access: config.access,
      clock,
      log: log.child({ component: 'appointment-state' }),
    });
    // Read through `rooms` once it exists: the registry's heartbeats carry this node's load.
    const load: { rooms?: RoomService } = {};
    const cluster = createCluster(
      config,
      {
        url: () => url,
        rooms: () => load.rooms?.liveRooms ?? 0,
        peers: () => load.rooms?.participants ?? 0,
        workerPids: () => media.workerPids(),
      },
      log,
    );
    cleanup.push(() => cluster.close());
    const metrics = new GuichetMetrics();
    const limits = limiterBackend(config, log);
    cleanup.push(limits.close);
    const guard = new AttemptLimiter({
      backend: limits.backend,
      failuresPerMinute: config.limits.joinAttemptsPerMinute,
      joinsPerMinute: config.limits.joinsPerMinute,
      log: log.child({ component: 'join-guard' }),
      onRefused: () => metrics.refused('join-attempts'),
    });

    const rooms = new RoomService({
      guard,
      store,
      media,
      passwords,
      policy: new AppointmentJoinPolicy({
        store,
        agents,
        joinTokens,
        passwords,
        access: config.access,
        clock,
        serviceToken,
      }),
      log: log.child({ component: 'rooms' }),
      audit: storeAuditSink(store, clock, log.child({ component: 'audit' })),
      progress: appointmentState,
      reconnectGraceMs: config.reconnectGraceSeconds * 1000,
      inviteLink: inviteLinks({ store, links, publicUrl }),
      iceServersFor: createIceServers(config.ice, clock),
      placement: cluster.directory,
      lobbyMax: config.limits.lobbyMaxPerRoom,
      memberCaps: { ...DEFAULT_MEMBER_CAPS, consumers: config.limits.memberMaxConsumers },
    });
    load.rooms = rooms;
    // Commands travel through the cluster's bus: straight to this node's rooms
    // on one node, to the owner node over Redis otherwise (valid once started).
    const commands: RoomCommandSink = options.commands?.(rooms) ?? {
      send: (roomId, command) => cluster.bus.send(roomId, command),
    };
    const appointments = new AppointmentService({
      store,
      passwords,
      secrets,
      links,
      access: config.access,
      reminderLeadMinutes: config.notify.reminderLeadMinutes,
      // The console and the REST view show the default number; messages and pages all of them.
      dialInNumber: defaultDialIn(config.notify.dialInNumbers)?.number ?? null,
      clock,
      log: log.child({ component: 'appointments' }),
      commands,
      state: appointmentState,
    });
    const senders = createNotificationSenders(config, store, secrets, log);
    cleanup.push(() => senders.close());
    const scheduler = new NotificationScheduler({
      store,
      senders: senders.byChannel,
      compose: messageComposer(config, links, secrets),
      clock,
      log: log.child({ component: 'scheduler' }),
      owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      intervalMs: config.notify.schedulerIntervalMs,
      onOutcome: metrics.notificationOutcome,
      sendTimeoutMs: config.notify.sendTimeoutMs,
    });
    cleanup.push(() => scheduler.stop());

    const http = await createHttpApp({
      log,
      rooms,
      commands,
      appointments,
      store,
      secrets,
      agents,
      media,
      publicUrl,
      clientDir: config.clientDir ?? defaultClientDir(),
      resolveRoomPage: roomPageResolver({
        store,
        tokens: joinTokens,
        access: config.access,
        clock,
        serviceName: config.serviceName,
        dialInNumbers: config.notify.dialInNumbers,
      }),
      dialIn: {
        numbers: config.notify.dialInNumbers,
        codes: new DialInCodes({
          store,
          tokens: joinTokens,
          passwords,
          access: config.access,
          clock,
          numbers: config.notify.dialInNumbers,
          guard,
        }),
      },
      trustProxy: config.trustProxy,
      clusterNodes: () => cluster.knownNodes().map(({ id, url: nodeUrl }) => ({ id, url: nodeUrl })),
      http: config.http,
      onRefused: metrics.refused,
      restLimiter: new RestLimiter({
        backend: limits.backend,
        callsPerMinute: config.limits.restCallsPerMinute,
        onRefused: () => metrics.refused('rest-calls-per-token'),
      }),
      dialInResolve: new DialIn({ store, access: config.access, clock, serviceToken }),
      console: {
        accounts,
        sessions: new Sessions(accounts, { ttlMs: config.console.sessionTtlMinutes * 60_000, clock }),
        cookie: { secure: config.env === 'production' },
        local: config.console.localAccounts ? new LocalAccounts(accounts, clock) : null,
        oidc: oidcConfig
          ? {
              label: oidcConfig.label,
              signIn: new OidcSignIn(
                {
                  issuer: oidcConfig.issuer,
                  clientId: oidcConfig.clientId,
                  clientSecret: oidcConfig.clientSecret,
                  redirectUrl: () => oidcConfig.redirectUrl ?? `${publicUrl()}/agent/oidc/callback`,
                  scopes: oidcConfig.scopes,
                  claims: oidcConfig.claims,
                  allowHttp: config.env !== 'production',
                },
                accounts,
                consoleLog,
                clock,
              ),
            }
          : null,
        clock,
      },
    });
    cleanup.push(() => http.close());
    registerMetrics(http, { metrics, rooms, media });
    registerClusterMetrics(metrics.registry, cluster);
    const io: GatewayServer = new SocketServer(http.server, SOCKET_SERVER_OPTIONS);
    attachGateway({
      io,
      rooms,
      log: log.child({ component: 'ws' }),
      joinTimeoutMs: options.joinTimeoutMs ?? config.joinTimeoutSeconds * 1000,
      messageBudget: config.limits.socketMessages,
      onRefused: metrics.refused,
      trustProxy: config.trustProxy,
    });

    await http.listen({ host: config.host, port: config.port });
    const address = http.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : config.port;
    url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${boundPort}`;
    await cluster.start((roomId, command) => rooms.apply(roomId, command));
    log.info({ url, workers: config.media.workers, nodeId: cluster.nodeId }, 'guichet listening');

    if (options.runScheduler !== false) scheduler.start();
    const retentionLog = log.child({ component: 'retention' });
    const runRetention = (): void => {
      eraseExpiredPersonalData(store, config.retentionDays, clock()).then(
        (erased) => erased > 0 && retentionLog.info({ erased }, 'personal data erased'),
        (error: unknown) => retentionLog.error({ err: error }, 'retention pass failed'),
      );
    };
    runRetention();
    const retentionTimer = setInterval(runRetention, RETENTION_INTERVAL_MS).unref();

    let closing: Promise<void> | null = null;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        clearInterval(retentionTimer);
        await scheduler.stop();
        rooms.closeAll('server-shutdown');
        await cluster.close();
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await undo();
      })();
      return closing;
    };

    const shutdown = async (drainMs: number): Promise<void> => {
      rooms.stopAccepting();
      io.emit('reconnect', { afterMs: 1000 });
      const deadline = Date.now() + drainMs;
      while (rooms.connectedParticipants > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await close();
    };

    return {
      config,
      http,
      io,
      store,
      rooms,
      appointments,
      commands,
      scheduler,
      media,
      agents,
      cluster,
      accounts,
      url,
      shutdown,
      close,
    };
  } catch (error) {
    await undo();
    throw error;
  }
}
