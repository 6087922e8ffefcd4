import { cpus } from 'node:os';
import { z } from 'zod';

/** Development defaults that must never run in production. */
export const DEV_AGENT_JWT_SECRET = 'dev-only-agent-secret-change-me-0000000000';
export const DEV_SECRET_KEY = 'dev-only-secret-key-change-me-00000000000000';

const port = z.coerce.number().int().min(0).max(65535);
const minutes = z.coerce
  .number()
  .int()
  .min(0)
  .max(24 * 60);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const secret = z.string().min(32, 'must be at least 32 characters');

/** RFC 7064/7065 URIs: scheme, host (name, IPv4 or [IPv6]), optional port, and for TURN an optional transport. */
const HOST_PORT = String.raw`(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?`;
const TURN_URL = new RegExp(`^turns?:${HOST_PORT}(?:\\?transport=(?:udp|tcp))?$`);
const STUN_URL = new RegExp(`^stuns?:${HOST_PORT}$`);
/** A comma-separated list of ICE server URLs, each checked (spaces around commas allowed). */
const urlList = (pattern: RegExp, example: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    )
    .pipe(z.array(z.string().regex(pattern, `comma-separated URLs like ${example}`)).max(8));

/**
 * Every environment variable the server reads, with its default.
 * deploy/env.example documents each (test/integration/deploy-compose.test.ts checks it).
 */
export const EnvShape = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVICE_NAME: z.string().min(1).max(80).default('Guichet'),

  AGENT_JWT_ALGORITHM: z.enum(['HS256', 'RS256', 'ES256']).default('HS256'),
  AGENT_JWT_SECRET: secret.default(DEV_AGENT_JWT_SECRET),
  AGENT_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  AGENT_JWT_ISSUER: z.string().min(1).optional(),
  AGENT_JWT_AUDIENCE: z.string().min(1).optional(),
  SECRET_KEY: secret.default(DEV_SECRET_KEY),

  DATA_DIR: z.string().min(1).default('.data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('guichet:'),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('Guichet <no-reply@localhost>'),
  SMS_GATEWAY_URL: z.url().optional(),
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  DIAL_IN_NUMBER: z.string().max(32).optional(),

  REMINDER_LEAD_MINUTES: minutes.default(15),
  ACCESS_OPENS_MINUTES_BEFORE: minutes.default(15),
  ACCESS_GRACE_MINUTES: minutes.default(30),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  RECONNECT_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(20),
  SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),

  MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).default(cpus().length),
  MEDIA_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  MEDIA_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  MEDIA_PORT_BASE: port.default(40000),
  MEDIA_WORKER_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  CLIENT_DIR: z.string().min(1).optional(),

  // Self-hosted STUN/TURN only: nothing by default, never a public (Google) server.
  TURN_URLS: urlList(TURN_URL, 'turn:turn.example.fr:3478?transport=udp').default([]),
  TURN_SECRET: secret.optional(),
  TURN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(6 * 3600),
  STUN_URLS: urlList(STUN_URL, 'stun:turn.example.fr:3478').default([]),
});

export const EnvSchema = EnvShape.superRefine((env, ctx) => {
  const problem = (path: string, message: string): void => {
    ctx.addIssue({ code: 'custom', path: [path], message });
  };
  if (env.AGENT_JWT_ALGORITHM !== 'HS256' && !env.AGENT_JWT_PUBLIC_KEY_FILE) {
    problem(
      'AGENT_JWT_PUBLIC_KEY_FILE',
      `required with ${env.AGENT_JWT_ALGORITHM}: the PEM public key of your identity provider`,
    );
  }
  if (env.SMS_GATEWAY_URL && !env.SMS_GATEWAY_TOKEN) {
    problem('SMS_GATEWAY_TOKEN', 'required with SMS_GATEWAY_URL');
  }
  // Browsers refuse a turn: URL without credentials, and credentials are all derived from the secret.
  if (env.TURN_URLS.length > 0 && !env.TURN_SECRET) {
    problem('TURN_SECRET', "required with TURN_URLS: coturn's static-auth-secret (openssl rand -base64 48)");
  }
  if (env.TURN_SECRET && env.TURN_URLS.length === 0) {
    problem('TURN_URLS', 'required with TURN_SECRET: the turn: and turns: URLs of your coturn');
  }
  if (env.NODE_ENV !== 'production') return;
  const generate = 'set a real secret in production (openssl rand -base64 48)';
  if (env.AGENT_JWT_ALGORITHM === 'HS256' && env.AGENT_JWT_SECRET === DEV_AGENT_JWT_SECRET) {
    problem('AGENT_JWT_SECRET', generate);
  }
  if (env.SECRET_KEY === DEV_SECRET_KEY) problem('SECRET_KEY', generate);
  // coturn holds TURN_SECRET too: a leak there must not also forge links or agent tokens.
  if (env.TURN_SECRET && (env.TURN_SECRET === env.SECRET_KEY || env.TURN_SECRET === env.AGENT_JWT_SECRET)) {
    problem('TURN_SECRET', 'must differ from SECRET_KEY and AGENT_JWT_SECRET (coturn holds it too)');
  }
  if (!env.PUBLIC_URL) problem('PUBLIC_URL', 'required in production: the https address citizens open');
  if ((env.MEDIA_LISTEN_IP === '0.0.0.0' || env.MEDIA_LISTEN_IP === '::') && !env.MEDIA_ANNOUNCED_ADDRESS) {
    problem(
      'MEDIA_ANNOUNCED_ADDRESS',
      'required when MEDIA_LISTEN_IP is a wildcard: the public IP browsers send media to',
    );
  }
});

export type Env = z.infer<typeof EnvSchema>;
