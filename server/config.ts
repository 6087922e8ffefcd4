import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AccessPolicy } from '../signaling/appointments/access-window.js';
import type { AgentAuthOptions } from '../signaling/auth/agent-auth.js';
import { EnvSchema } from './config-schema.js';

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
  store: { dataDir: string; redisUrl: string | undefined; redisKeyPrefix: string };
  notify: {
    smtpUrl: string | undefined;
    smtpFrom: string;
    smsGatewayUrl: string | undefined;
    smsGatewayToken: string | undefined;
    dialInNumber: string | null;
    reminderLeadMinutes: number;
    schedulerIntervalMs: number;
  };
  access: AccessPolicy;
  retentionDays: number;
  /** How long a dropped peer keeps its place (and its admission) waiting to resume. */
  reconnectGraceSeconds: number;
  /** How long SIGTERM lets calls go on before closing them. */
  shutdownDrainSeconds: number;
  media: {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    portBase: number;
    workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
  };
  clientDir: string | undefined;
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
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
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
    store: { dataDir: e.DATA_DIR, redisUrl: e.REDIS_URL, redisKeyPrefix: e.REDIS_KEY_PREFIX },
    notify: {
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
      smsGatewayUrl: e.SMS_GATEWAY_URL,
      smsGatewayToken: e.SMS_GATEWAY_TOKEN,
      dialInNumber: e.DIAL_IN_NUMBER ?? null,
      reminderLeadMinutes: e.REMINDER_LEAD_MINUTES,
      schedulerIntervalMs: e.SCHEDULER_INTERVAL_MS,
    },
    access: { opensMinutesBefore: e.ACCESS_OPENS_MINUTES_BEFORE, graceMinutesAfter: e.ACCESS_GRACE_MINUTES },
    retentionDays: e.RETENTION_DAYS,
    reconnectGraceSeconds: e.RECONNECT_GRACE_SECONDS,
    shutdownDrainSeconds: e.SHUTDOWN_DRAIN_SECONDS,
    media: {
      workers: e.MEDIA_WORKERS,
      listenIp: e.MEDIA_LISTEN_IP,
      announcedAddress: e.MEDIA_ANNOUNCED_ADDRESS,
      portBase: e.MEDIA_PORT_BASE,
      workerLogLevel: e.MEDIA_WORKER_LOG_LEVEL,
    },
    clientDir: e.CLIENT_DIR,
    ice: {
      turnUrls: e.TURN_URLS,
      turnSecret: e.TURN_SECRET,
      turnTtlSeconds: e.TURN_TTL_SECONDS,
      stunUrls: e.STUN_URLS,
    },
  };
}
