import { cpus } from 'node:os';
import { z } from 'zod';

/**
 * Every setting, read once from the environment and validated. A mistake
 * stops the server at start with one line per bad variable, instead of a
 * confusing failure at the first call.
 */

/** Development defaults that must never run in production. */
export const DEV_AGENT_JWT_SECRET = 'dev-only-agent-secret-change-me-0000000000';
export const DEV_SECRET_KEY = 'dev-only-secret-key-change-me-00000000000000';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: port.default(3000),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: bool.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AGENT_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_AGENT_JWT_SECRET),
    AGENT_JWT_ISSUER: z.string().min(1).optional(),
    AGENT_JWT_AUDIENCE: z.string().min(1).optional(),
    SECRET_KEY: z.string().min(32, 'must be at least 32 characters').default(DEV_SECRET_KEY),
    MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).default(cpus().length),
    MEDIA_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
    MEDIA_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
    MEDIA_PORT_BASE: port.default(40000),
    MEDIA_WORKER_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    CLIENT_DIR: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.AGENT_JWT_SECRET === DEV_AGENT_JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AGENT_JWT_SECRET'],
        message: 'set a real secret in production (openssl rand -base64 48)',
      });
    }
    if (env.SECRET_KEY === DEV_SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_KEY'],
        message: 'set a real secret in production (openssl rand -base64 48)',
      });
    }
    if (!env.PUBLIC_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: 'required in production: the https address citizens open',
      });
    }
    if ((env.MEDIA_LISTEN_IP === '0.0.0.0' || env.MEDIA_LISTEN_IP === '::') && !env.MEDIA_ANNOUNCED_ADDRESS) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEDIA_ANNOUNCED_ADDRESS'],
        message: 'required when MEDIA_LISTEN_IP is a wildcard: the public IP browsers send media to',
      });
    }
  });

export interface Config {
  env: 'production' | 'development' | 'test';
  host: string;
  port: number;
  /** The address people open; unset in development: then the bound address is used. */
  publicUrl: string | undefined;
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  agentJwt: { secret: string; issuer?: string; audience?: string };
  secretKey: string;
  media: {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    portBase: number;
    workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
  };
  clientDir: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings (as docker-compose writes unset variables) count as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    agentJwt: {
      secret: e.AGENT_JWT_SECRET,
      ...(e.AGENT_JWT_ISSUER ? { issuer: e.AGENT_JWT_ISSUER } : {}),
      ...(e.AGENT_JWT_AUDIENCE ? { audience: e.AGENT_JWT_AUDIENCE } : {}),
    },
    secretKey: e.SECRET_KEY,
    media: {
      workers: e.MEDIA_WORKERS,
      listenIp: e.MEDIA_LISTEN_IP,
      announcedAddress: e.MEDIA_ANNOUNCED_ADDRESS,
      portBase: e.MEDIA_PORT_BASE,
      workerLogLevel: e.MEDIA_WORKER_LOG_LEVEL,
    },
    clientDir: e.CLIENT_DIR,
  };
}
