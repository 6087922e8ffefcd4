import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where mediasoup will look for its worker: MEDIASOUP_WORKER_BIN, or the
 * package's own build folder. Checked at start so a missing worker is one
 * clear line, not an ENOENT from deep inside createWorker().
 */
export function resolveWorkerBinary(env: Record<string, string | undefined> = process.env): string {
  // mediasoup itself treats an empty variable as unset.
  const fromEnv = env['MEDIASOUP_WORKER_BIN'] || undefined;
  // mediasoup's entry is <package>/node/lib/index.js; its worker sits in <package>/worker/out/Release.
  const packageRoot = join(dirname(createRequire(import.meta.url).resolve('mediasoup')), '..', '..');
  const path = fromEnv ?? join(packageRoot, 'worker', 'out', 'Release', 'mediasoup-worker');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `mediasoup worker not found at ${path}: run ./scripts/setup.sh, or set MEDIASOUP_WORKER_BIN ` +
        'to a worker built for this host (README, "The mediasoup worker")',
    );
  }
  return path;
}
