import { pino } from 'pino';
import { loadSipConfig, SipConfigError } from './config.js';
import { SipGateway } from './gateway.js';
import { unboundRoomLink } from './room/unbound-room-link.js';

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
      paths: ['phone', '*.phone', 'number', '*.number', 'password', '*.password'],
      censor: '[redacted]',
    },
  }).child({ component: 'sip-gateway' });
  const gateway = await SipGateway.start(config.gateway, { room: unboundRoomLink(log), log });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, calls: gateway.activeCalls }, 'SIP gateway stopping');
    gateway.close().then(
      () => process.exit(0),
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
