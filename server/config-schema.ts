import { cpus } from 'node:os';
import { z } from 'zod';
import { DialInNumbersEnvSchema } from './dial-in-env.js';

/** Development defaults that must never run in production. */
export const DEV_AGENT_JWT_SECRET = 'dev-only-agent-secret-change-me-0000000000';
export const DEV_SECRET_KEY = 'dev-only-secret-key-change-me-00000000000000';

const port = z.coerce.number().int().min(0).max(65535);
/** An integer setting within [min, max]: every number the server reads has a range that makes sense. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const minutes = int(0, 24 * 60);
/**
 * Linux's default ephemeral range (net.ipv4.ip_local_port_range): a fixed
 * listening port in it can be taken by any outgoing connection, and a
 * worker that cannot bind its port does not start.
 */
export const EPHEMERAL_PORTS = { first: 32768, last: 60999 } as const;
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
  // The phone gateway's token (the gateway gets the same value); unset: no phone gateway may enter.
  SIP_SERVICE_TOKEN: secret.optional(),

  DATA_DIR: z.string().min(1).default('.data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('guichet:'),

  // Several nodes on one Redis (signaling/cluster): who this node is and where clients reach it.
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, '1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
  NODE_URL: z.url().optional(),
  NODE_MAX_ROOMS: z.coerce.number().int().min(1).max(100_000).default(500),
  CLUSTER_TTL_MS: z.coerce.number().int().min(1000).max(60_000).default(3000),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('Guichet <no-reply@localhost>'),
  SMS_GATEWAY_URL: z.url().optional(),
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  // Numbers by country, JSON (server/dial-in-env.ts); unset: no dial-in shown anywhere.
  DIAL_IN_NUMBERS: DialInNumbersEnvSchema.default([]),

  // A reminder 0 minutes ahead is no reminder (every message failed with "invalid reminder lead time").
  REMINDER_LEAD_MINUTES: int(1, 7 * 24 * 60).default(15),
  ACCESS_OPENS_MINUTES_BEFORE: minutes.default(15),
  ACCESS_GRACE_MINUTES: minutes.default(30),
  RETENTION_DAYS: int(1, 3650).default(30),
  SHUTDOWN_DRAIN_SECONDS: int(0, 3600).default(30),
  RECONNECT_GRACE_SECONDS: int(0, 600).default(20),
  /** A socket that has joined no room after this long is closed (idle connections hold descriptors). */
  JOIN_TIMEOUT_SECONDS: int(1, 600).default(30),
  SCHEDULER_INTERVAL_MS: int(100, 60_000).default(1000),
  // Bounds one send (SMTP or SMS): a hung relay holds up its own channel for that long, never the other.
  NOTIFY_SEND_TIMEOUT_SECONDS: int(1, 300).default(30),
  // The deadline of every store call; past it the client gets 503 STORE_UNAVAILABLE.
  STORE_TIMEOUT_MS: int(100, 30_000).default(2000),

  // HTTP: Node's defaults leave a half-sent request open for good once Fastify sets requestTimeout 0.
  HTTP_HEADERS_TIMEOUT_SECONDS: int(1, 120).default(10),
  HTTP_REQUEST_TIMEOUT_SECONDS: int(1, 600).default(30),
  HTTP_KEEP_ALIVE_SECONDS: int(1, 600).default(5),
  // Open TCP connections per client address (HTTP and socket.io share them); 0 turns the cap off.
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: int(0, 100_000).default(100),

  // Abuse caps (signaling/security): password/token/PIN guesses and REST calls.
  JOIN_ATTEMPTS_PER_MINUTE: int(1, 1000).default(5),
  // Joins, right or wrong, from one address per minute (a family behind one NAT fits well under it).
  JOINS_PER_ADDRESS_PER_MINUTE: int(1, 100_000).default(30),
  REST_CALLS_PER_MINUTE: int(10, 100_000).default(300),
  // Socket messages per connection: a burst, then a rate; a connection refused this many more is
  // closed. The upper bounds only catch typos: tests and benches that must not be capped raise them.
  SOCKET_MESSAGES_BURST: int(20, 100_000).default(100),
  SOCKET_MESSAGES_PER_SECOND: int(5, 100_000).default(20),
  SOCKET_FLOOD_STRIKES: int(10, 100_000).default(200),
  // People waiting in one room's lobby at once (an appointment has one citizen, perhaps a relative or an interpreter).
  LOBBY_MAX_PER_ROOM: int(1, 500).default(20),
  // Consumers per participant: one per remote track (a mic and a camera, or a screen, per other person).
  MEMBER_MAX_CONSUMERS: int(4, 1000).default(100),

  MEDIA_WORKERS: int(1, 64).default(cpus().length),
  MEDIA_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  MEDIA_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  // What the phone gateway's plain RTP transports announce (an address or a host name it resolves); unset: the above.
  MEDIA_PLAIN_ANNOUNCED_ADDRESS: z.string().min(1).max(253).optional(),
  // Below Linux's ephemeral range (EPHEMERAL_PORTS), and not a privileged port.
  MEDIA_PORT_BASE: int(1024, 65535).default(20000),
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

  // The agent console (/agent): sessions, local accounts, OpenID Connect.
  SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(10 * 60),
  LOCAL_ACCOUNTS: bool.default(true),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URL: z.url().optional(),
  OIDC_SCOPES: z.string().min(6).default('openid profile email'),
  OIDC_LABEL: z.string().min(1).max(40).default('ProConnect'),
  OIDC_ID_CLAIM: z.string().min(1).default('sub'),
  OIDC_NAME_CLAIMS: z.string().min(1).default('name'),
  OIDC_ROLE_CLAIM: z.string().min(1).default('role'),
  OIDC_ADMIN_VALUE: z.string().min(1).default('admin'),
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
  const lastMediaPort = env.MEDIA_PORT_BASE + env.MEDIA_WORKERS - 1;
  if (lastMediaPort > 65535) {
    problem('MEDIA_PORT_BASE', `with ${env.MEDIA_WORKERS} workers the last port would be ${lastMediaPort}`);
  }
  if (env.HTTP_HEADERS_TIMEOUT_SECONDS > env.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problem('HTTP_HEADERS_TIMEOUT_SECONDS', 'must not exceed HTTP_REQUEST_TIMEOUT_SECONDS');
  }
  if (env.OIDC_ISSUER && (!env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET)) {
    problem('OIDC_CLIENT_ID', 'OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required with OIDC_ISSUER');
  }
  if (env.NODE_ENV !== 'production') return;
  const generate = 'set a real secret in production (openssl rand -base64 48)';
  if (env.AGENT_JWT_ALGORITHM === 'HS256' && env.AGENT_JWT_SECRET === DEV_AGENT_JWT_SECRET) {
    problem('AGENT_JWT_SECRET', generate);
  }
  if (env.SECRET_KEY === DEV_SECRET_KEY) problem('SECRET_KEY', generate);
  if (env.MEDIA_PORT_BASE <= EPHEMERAL_PORTS.last && lastMediaPort >= EPHEMERAL_PORTS.first) {
    problem(
      'MEDIA_PORT_BASE',
      `ports ${env.MEDIA_PORT_BASE}-${lastMediaPort} overlap Linux's ephemeral range ${EPHEMERAL_PORTS.first}-${EPHEMERAL_PORTS.last}: an outgoing connection can take one and stop a worker (use e.g. 20000)`,
    );
  }
  // coturn holds TURN_SECRET too: a leak there must not also forge links or agent tokens.
  if (env.TURN_SECRET && (env.TURN_SECRET === env.SECRET_KEY || env.TURN_SECRET === env.AGENT_JWT_SECRET)) {
    problem('TURN_SECRET', 'must differ from SECRET_KEY and AGENT_JWT_SECRET (coturn holds it too)');
  }
  if (
    env.SIP_SERVICE_TOKEN &&
    (env.SIP_SERVICE_TOKEN === env.SECRET_KEY || env.SIP_SERVICE_TOKEN === env.AGENT_JWT_SECRET)
  ) {
    problem(
      'SIP_SERVICE_TOKEN',
      'must differ from SECRET_KEY and AGENT_JWT_SECRET (the gateway holds it too)',
    );
  }
  if (env.OIDC_ISSUER && !env.OIDC_ISSUER.startsWith('https://')) {
    problem('OIDC_ISSUER', 'must be an https:// URL in production');
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
