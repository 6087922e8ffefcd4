#!/usr/bin/env node
/**
 * Builds the browser client into dist/client/ (served as the static root):
 *   client/src/main.ts → dist/client/assets/app.js (+ .map), one ESM bundle;
 *   client/index.html, client/styles.css and client/static/** copied as is.
 * Prints the bundle's gzipped size and writes it to dist/client/size.json,
 * so a size regression shows up in CI output.
 */
import * as esbuild from 'esbuild';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = path.join(root, 'client');
const outDir = path.join(root, 'dist', 'client');
const started = performance.now();

await rm(outDir, { recursive: true, force: true });
await mkdir(path.join(outDir, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: [path.join(clientDir, 'src', 'main.ts')],
  outfile: path.join(outDir, 'assets', 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  // `debug` (inside mediasoup-client) reads process.env in some builds.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
});

await cp(path.join(clientDir, 'index.html'), path.join(outDir, 'index.html'));
await cp(path.join(clientDir, 'styles.css'), path.join(outDir, 'styles.css'));
const staticDir = path.join(clientDir, 'static');
if (await exists(staticDir)) await cp(staticDir, outDir, { recursive: true });

const js = await readFile(path.join(outDir, 'assets', 'app.js'));
const size = { appJsBytes: js.length, appJsGzipBytes: gzipSync(js, { level: 9 }).length };
await writeFile(path.join(outDir, 'size.json'), `${JSON.stringify(size, null, 2)}\n`);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const elapsed = Math.round(performance.now() - started);
console.log(
  `client: dist/client/assets/app.js ${kb(size.appJsBytes)}, ${kb(size.appJsGzipBytes)} gzipped ` +
    `(${Object.keys(result.metafile.inputs).length} modules, ${elapsed} ms)`,
);

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
