import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadSipConfig, SipConfigError } from './config.js';
import { SipGateway } from './gateway.js';
import { CoreRoomLink } from './room/core-room-link.js';
import { SharedPinCaps } from './trunk/shared-pin-caps.js';

/** The phone gateway's own process (`node dist/sip-gateway/main.js`; `npm start` runs it when SIP_LISTEN is set). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadSipConfig();
  } catch (error) {
    if (error instanceof SipConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // Phone numbers never reach a log: the gateway logs masked numbers only, and redacts by key too.
  const log = pino({
    level: config.logLevel,
    redact: {
      paths: ['phone', '*.phone', 'number', '*.number', 'password', '*.password', 'token', '*.token'],
      censor: '[redacted]',
    },
  }).child({ component: 'sip-gateway' });
  const redis = config.redis
    ? new Redis(config.redis.url, { maxRetriesPerRequest: 1, commandTimeout: 500 })
    : undefined;
  redis?.on('error', (error: Error) => log.debug({ reason: error.message }, 'redis connection error'));
  const shared = redis && config.redis;
  const room = new CoreRoomLink({
    url: config.room.url,
    serviceToken: config.room.serviceToken,
    log: log.child({ component: 'room-link' }),
  });
  const gateway = await SipGateway.start(config.gateway, {
    room,
    log,
    // The same caller key in every gateway process, so their shared counters agree; not the token itself.
    numberKey: createHash('sha256').update(`guichet-sip-caller:${config.room.serviceToken}`).digest(),
    ...(shared
      ? {
          pins: (audit) =>
            new SharedPinCaps(
              config.gateway.pinCaps,
              audit,
              redis,
              shared.keyPrefix,
              log.child({ component: 'pin-caps' }),
            ),
        }
      : {}),
  });
  log.info(
    { roomCore: new URL(config.room.url).origin, sharedPinCaps: Boolean(shared) },
    'bound to the room core',
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, calls: gateway.activeCalls }, 'SIP gateway stopping');
    gateway.close().then(
      () => {
        redis?.disconnect();
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'SIP gateway shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `SIP gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
