import { ConfigError, loadConfig } from './config.js';
import { startGuichet } from './guichet.js';
import { createLogger } from './logger.js';

/** Seconds a SIGTERM waits for calls to end before closing them. */
const DRAIN_MS = Number(process.env['SHUTDOWN_DRAIN_SECONDS'] ?? '30') * 1000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const guichet = await startGuichet(config, log);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, drainMs: DRAIN_MS }, 'shutting down');
    guichet.shutdown(DRAIN_MS).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `guichet failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
