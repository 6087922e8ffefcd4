import { execFileSync } from 'node:child_process';

/** The e2e tests load the real bundle, so build it once before they run. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { stdio: 'inherit' });
}
