import { isIP } from 'node:net';
import { z } from 'zod';
import type { GatewayConfig } from './gateway.js';

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().int().min(1);
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const CIDR = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/;

/** Every variable the gateway reads, with its default (deploy/README.md lists them). */
export const SipEnvShape = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIP_LISTEN: z.string().regex(HOST_PORT, 'host:port, e.g. 0.0.0.0:5060'),
  // The room core: any node's address, and the token it knows the gateway by.
  GUICHET_URL: z.url({ protocol: /^https?$/ }).optional(),
  SIP_SERVICE_TOKEN: z.string().optional(),
  // Wrong-PIN counters shared by every gateway process (memory when unset).
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('guichet:'),
  SIP_ADVERTISED_HOST: z.string().min(1).optional(),
  SIP_TRUNK_ALLOWED_IPS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(CIDR, 'comma-separated CIDR, e.g. 192.0.2.0/28')).min(1))
    .optional(),
  SIP_DIGEST_USER: z.string().min(1).optional(),
  SIP_DIGEST_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  SIP_DIGEST_REALM: z.string().min(1).default('guichet'),
  SIP_RTP_HOST: z.string().min(1).optional(),
  SIP_RTP_ADVERTISED_ADDRESS: z.string().min(1).optional(),
  SIP_RTP_PORT_MIN: port.default(30000),
  SIP_RTP_PORT_MAX: port.default(30999),
  SIP_MAX_CALLS: positive.default(50),
  SIP_INVITES_PER_SECOND: positive.default(10),
  SIP_T1_MS: z.coerce.number().int().min(50).max(5000).default(500),
  SIP_ANSWER_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(0),
  SIP_RTP_TIMEOUT_SECONDS: positive.default(30),
  SIP_TIMEZONE: z.string().min(1).default('Europe/Paris'),
  SIP_PROMPTS_DIR: z.string().min(1).optional(),
  SIP_BUILT_PROMPTS_DIR: z.string().min(1).default('dist/sip-prompts'),
  SIP_PIN_CAP_PER_CALLER: positive.default(10),
  SIP_PIN_CAP_PER_TRUNK: positive.default(200),
  SIP_PIN_CAP_WINDOW_MINUTES: positive.default(60),
});

export class SipConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid SIP gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SipConfigError';
  }
}

export interface SipProcessConfig {
  logLevel: z.infer<typeof SipEnvShape>['LOG_LEVEL'];
  gateway: GatewayConfig;
  /** Where the room core is, and the service token it expects. */
  room: { url: string; serviceToken: string };
  /** Shared wrong-PIN counters; undefined: this process's memory. */
  redis: { url: string; keyPrefix: string } | undefined;
}

/** `npm start` runs the server on this host: the gateway finds it here unless told otherwise. */
export const DEFAULT_GUICHET_URL = 'http://127.0.0.1:3000';

/** The environment → the gateway's settings, validated once; every problem listed at once. */
export function loadSipConfig(env: Record<string, string | undefined> = process.env): SipProcessConfig {
  // Empty strings (as docker-compose writes unset variables) count as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = SipEnvShape.safeParse(present);
  if (!parsed.success) {
    throw new SipConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const [, rawHost = '', portText = '0'] = HOST_PORT.exec(e.SIP_LISTEN) ?? [];
  const host = rawHost.replace(/^\[|\]$/g, '');
  const wildcard = host === '0.0.0.0' || host === '::';
  const advertised = e.SIP_ADVERTISED_HOST ?? (wildcard ? undefined : host);
  if (!advertised) problems.push('SIP_ADVERTISED_HOST: required when SIP_LISTEN binds every address');
  if (e.NODE_ENV === 'production' && !e.SIP_TRUNK_ALLOWED_IPS) {
    problems.push("SIP_TRUNK_ALLOWED_IPS: required in production (your operator's trunk addresses, CIDR)");
  }
  for (const cidr of e.SIP_TRUNK_ALLOWED_IPS ?? []) {
    if (isIP(cidr.split('/')[0] ?? '') === 0)
      problems.push(`SIP_TRUNK_ALLOWED_IPS: ${cidr} is not an IP address`);
  }
  if (Boolean(e.SIP_DIGEST_USER) !== Boolean(e.SIP_DIGEST_PASSWORD)) {
    problems.push('SIP_DIGEST_USER and SIP_DIGEST_PASSWORD: set both or neither');
  }
  if (!e.SIP_SERVICE_TOKEN) {
    problems.push("SIP_SERVICE_TOKEN: required: the same value as the server's SIP_SERVICE_TOKEN");
  } else if (e.SIP_SERVICE_TOKEN.length < 32) {
    problems.push('SIP_SERVICE_TOKEN: must be at least 32 characters');
  }
  if (e.NODE_ENV === 'production' && !e.GUICHET_URL) {
    problems.push('GUICHET_URL: required in production: the room core, e.g. http://guichet:3000');
  }
  if (e.SIP_RTP_PORT_MAX <= e.SIP_RTP_PORT_MIN)
    problems.push('SIP_RTP_PORT_MAX: must be above SIP_RTP_PORT_MIN');
  if (problems.length) throw new SipConfigError(problems);
  const window = e.SIP_PIN_CAP_WINDOW_MINUTES * 60_000;
  return {
    logLevel: e.LOG_LEVEL,
    room: { url: e.GUICHET_URL ?? DEFAULT_GUICHET_URL, serviceToken: e.SIP_SERVICE_TOKEN ?? '' },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } : undefined,
    gateway: {
      listen: { host, port: Number(portText) },
      advertisedHost: advertised ?? host,
      rtp: {
        listenHost: e.SIP_RTP_HOST ?? host,
        advertisedAddress: e.SIP_RTP_ADVERTISED_ADDRESS ?? advertised ?? host,
        portMin: e.SIP_RTP_PORT_MIN,
        portMax: e.SIP_RTP_PORT_MAX,
      },
      allowedIps: e.SIP_TRUNK_ALLOWED_IPS ?? ['127.0.0.1/32', '::1/128'],
      digest:
        e.SIP_DIGEST_USER && e.SIP_DIGEST_PASSWORD
          ? { realm: e.SIP_DIGEST_REALM, username: e.SIP_DIGEST_USER, password: e.SIP_DIGEST_PASSWORD }
          : undefined,
      maxCalls: e.SIP_MAX_CALLS,
      invitesPerSecond: e.SIP_INVITES_PER_SECOND,
      timers: { t1: e.SIP_T1_MS, t2: Math.max(4000, e.SIP_T1_MS * 8) },
      answerDelayMs: e.SIP_ANSWER_DELAY_MS,
      rtpTimeoutMs: e.SIP_RTP_TIMEOUT_SECONDS * 1000,
      timeZone: e.SIP_TIMEZONE,
      builtPromptsDir: e.SIP_BUILT_PROMPTS_DIR,
      promptsDir: e.SIP_PROMPTS_DIR,
      pinCaps: {
        perCaller: { limit: e.SIP_PIN_CAP_PER_CALLER, windowMs: window },
        perTrunk: { limit: e.SIP_PIN_CAP_PER_TRUNK, windowMs: window },
      },
    },
  };
}
