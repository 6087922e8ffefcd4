import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AccessPolicy } from '../signaling/appointments/access-window.js';
import type { AgentAuthOptions } from '../signaling/auth/agent-auth.js';
import type { DialInNumber } from '../signaling/protocol/dial-in.js';
import { EnvSchema } from './config-schema.js';
import { legacyDialInProblem } from './dial-in-env.js';

export { DEV_AGENT_JWT_SECRET, DEV_SECRET_KEY } from './config-schema.js';

/**
 * Every setting, read once from the environment and validated. A mistake
 * stops the server at start with one line per bad variable, instead of a
 * confusing failure at the first call.
 */
export interface Config {
  env: 'production' | 'development' | 'test';
  host: string;
  port: number;
  /** The address people open; unset in development: then the bound address is used. */
  publicUrl: string | undefined;
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  serviceName: string;
  agentJwt: AgentAuthOptions;
  secretKey: string;
  /** SIP_SERVICE_TOKEN: the phone gateway's credential (join as a service, resolve PINs); unset: no gateway may enter. */
  sipServiceToken: string | undefined;
  /** This node in a cluster (several nodes on one Redis; see signaling/cluster). */
  node: {
    /** NODE_ID; unset: the host name plus a random suffix, new at each start. */
    id: string | undefined;
    /** NODE_URL: where clients reach this very node; unset: PUBLIC_URL, else the bound address. */
    url: string | undefined;
    maxRooms: number;
    /** A dead node's heartbeat and room claims lapse after this. */
    ttlMs: number;
  };
  store: { dataDir: string; redisUrl: string | undefined; redisKeyPrefix: string; timeoutMs: number };
  notify: {
    smtpUrl: string | undefined;
    smtpFrom: string;
    smsGatewayUrl: string | undefined;
    smsGatewayToken: string | undefined;
    /** DIAL_IN_NUMBERS; empty: no dial-in shown anywhere. */
    dialInNumbers: DialInNumber[];
    reminderLeadMinutes: number;
    schedulerIntervalMs: number;
    sendTimeoutMs: number;
  };
  http: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /** 0: no cap. */
    maxConnectionsPerAddress: number;
  };
  /** Abuse caps (signaling/security). */
  limits: {
    joinAttemptsPerMinute: number;
    joinsPerMinute: number;
    restCallsPerMinute: number;
    /** Socket messages per connection (signaling/security/message-budget.ts). */
    socketMessages: { burst: number; perSecond: number; floodStrikes: number };
    lobbyMaxPerRoom: number;
    memberMaxConsumers: number;
  };
  access: AccessPolicy;
  retentionDays: number;
  /** How long a dropped peer keeps its place (and its admission) waiting to resume. */
  reconnectGraceSeconds: number;
  /** A socket that joins no room within this is closed. */
  joinTimeoutSeconds: number;
  /** How long SIGTERM lets calls go on before closing them. */
  shutdownDrainSeconds: number;
  media: {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    /** MEDIA_PLAIN_ANNOUNCED_ADDRESS: where the phone gateway sends its RTP; unset: announcedAddress. */
    plainAnnouncedAddress: string | undefined;
    portBase: number;
    workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
  };
  clientDir: string | undefined;
  /** The agent console: session lifetime, local accounts, the OpenID provider if any. */
  console: {
    sessionTtlMinutes: number;
    localAccounts: boolean;
    oidc: {
      issuer: string;
      clientId: string;
      clientSecret: string;
      /** Unset: `<public URL>/agent/oidc/callback`. */
      redirectUrl: string | undefined;
      scopes: string;
      label: string;
      claims: { id: string; name: string[]; role: string; adminValue: string };
    } | null;
  };
  /** ICE servers handed to browsers: our own coturn only (see signaling/auth/turn-credentials.ts). */
  ice: {
    turnUrls: string[];
    /** coturn's static-auth-secret; set whenever turnUrls is non-empty. */
    turnSecret: string | undefined;
    turnTtlSeconds: number;
    stunUrls: string[];
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function readKeyFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    throw new ConfigError([`AGENT_JWT_PUBLIC_KEY_FILE: cannot read ${path} (${code})`]);
  }
  try {
    createPublicKey(pem);
  } catch {
    throw new ConfigError([`AGENT_JWT_PUBLIC_KEY_FILE: ${path} is not a PEM public key`]);
  }
  return pem;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings (as docker-compose writes unset variables) count as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  const legacy = legacyDialInProblem(present);
  if (!parsed.success || legacy) {
    const problems = parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(legacy ? [...problems, legacy] : problems);
  }
  const e = parsed.data;
  const jwtKey =
    e.AGENT_JWT_ALGORITHM === 'HS256' || !e.AGENT_JWT_PUBLIC_KEY_FILE
      ? e.AGENT_JWT_SECRET
      : readKeyFile(e.AGENT_JWT_PUBLIC_KEY_FILE);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    serviceName: e.SERVICE_NAME,
    agentJwt: {
      algorithm: e.AGENT_JWT_ALGORITHM,
      key: jwtKey,
      ...(e.AGENT_JWT_ISSUER ? { issuer: e.AGENT_JWT_ISSUER } : {}),
      ...(e.AGENT_JWT_AUDIENCE ? { audience: e.AGENT_JWT_AUDIENCE } : {}),
    },
    secretKey: e.SECRET_KEY,
    sipServiceToken: e.SIP_SERVICE_TOKEN,
    node: {
      id: e.NODE_ID,
      url: e.NODE_URL?.replace(/\/+$/, ''),
      maxRooms: e.NODE_MAX_ROOMS,
      ttlMs: e.CLUSTER_TTL_MS,
    },
    store: {
      dataDir: e.DATA_DIR,
      redisUrl: e.REDIS_URL,
      redisKeyPrefix: e.REDIS_KEY_PREFIX,
      timeoutMs: e.STORE_TIMEOUT_MS,
    },
    notify: {
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
      smsGatewayUrl: e.SMS_GATEWAY_URL,
      smsGatewayToken: e.SMS_GATEWAY_TOKEN,
      dialInNumbers: e.DIAL_IN_NUMBERS,
      reminderLeadMinutes: e.REMINDER_LEAD_MINUTES,
      schedulerIntervalMs: e.SCHEDULER_INTERVAL_MS,
      sendTimeoutMs: e.NOTIFY_SEND_TIMEOUT_SECONDS * 1000,
    },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_SECONDS * 1000,
      maxConnectionsPerAddress: e.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
    },
    limits: {
      joinAttemptsPerMinute: e.JOIN_ATTEMPTS_PER_MINUTE,
      joinsPerMinute: e.JOINS_PER_ADDRESS_PER_MINUTE,
      restCallsPerMinute: e.REST_CALLS_PER_MINUTE,
      socketMessages: {
        burst: e.SOCKET_MESSAGES_BURST,
        perSecond: e.SOCKET_MESSAGES_PER_SECOND,
        floodStrikes: e.SOCKET_FLOOD_STRIKES,
      },
      lobbyMaxPerRoom: e.LOBBY_MAX_PER_ROOM,
      memberMaxConsumers: e.MEMBER_MAX_CONSUMERS,
    },
    access: { opensMinutesBefore: e.ACCESS_OPENS_MINUTES_BEFORE, graceMinutesAfter: e.ACCESS_GRACE_MINUTES },
    retentionDays: e.RETENTION_DAYS,
    reconnectGraceSeconds: e.RECONNECT_GRACE_SECONDS,
    joinTimeoutSeconds: e.JOIN_TIMEOUT_SECONDS,
    shutdownDrainSeconds: e.SHUTDOWN_DRAIN_SECONDS,
    media: {
      workers: e.MEDIA_WORKERS,
      listenIp: e.MEDIA_LISTEN_IP,
      announcedAddress: e.MEDIA_ANNOUNCED_ADDRESS,
      plainAnnouncedAddress: e.MEDIA_PLAIN_ANNOUNCED_ADDRESS,
      portBase: e.MEDIA_PORT_BASE,
      workerLogLevel: e.MEDIA_WORKER_LOG_LEVEL,
    },
    clientDir: e.CLIENT_DIR,
    console: {
      sessionTtlMinutes: e.SESSION_TTL_MINUTES,
      localAccounts: e.LOCAL_ACCOUNTS,
      oidc:
        e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
          ? {
              issuer: e.OIDC_ISSUER,
              clientId: e.OIDC_CLIENT_ID,
              clientSecret: e.OIDC_CLIENT_SECRET,
              redirectUrl: e.OIDC_REDIRECT_URL,
              scopes: e.OIDC_SCOPES,
              label: e.OIDC_LABEL,
              claims: {
                id: e.OIDC_ID_CLAIM,
                name: e.OIDC_NAME_CLAIMS.split(',')
                  .map((c) => c.trim())
                  .filter((c) => c !== ''),
                role: e.OIDC_ROLE_CLAIM,
                adminValue: e.OIDC_ADMIN_VALUE,
              },
            }
          : null,
    },
    ice: {
      turnUrls: e.TURN_URLS,
      turnSecret: e.TURN_SECRET,
      turnTtlSeconds: e.TURN_TTL_SECONDS,
      stunUrls: e.STUN_URLS,
    },
  };
}
