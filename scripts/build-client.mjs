#!/usr/bin/env node
/**
 * Builds the browser client into dist/client/ (served as the static root):
 *   client/src/main.ts → dist/client/assets/app.js (+ .map), one ESM bundle;
 *   client/src/agent/main.ts → dist/client/assets/agent.js, the agent console (/agent);
 *   client/index.html, client/agent.html, client/styles.css, client/agent.css and
 *   client/static/** copied as is.
 * Prints the bundle's gzipped size and writes it to dist/client/size.json,
 * so a size regression shows up in CI output.
 */
import * as esbuild from 'esbuild';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { deflateSync, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = path.join(root, 'client');
const finalDir = path.join(root, 'dist', 'client');
// Built beside, then swapped in: a server (or a test) reading dist/client never sees it half-written.
const outDir = `${finalDir}.building-${process.pid}`;
const started = performance.now();

await rm(outDir, { recursive: true, force: true });
await mkdir(path.join(outDir, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: [
    { in: path.join(clientDir, 'src', 'main.ts'), out: 'app' },
    { in: path.join(clientDir, 'src', 'agent', 'main.ts'), out: 'agent' },
  ],
  outdir: path.join(outDir, 'assets'),
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
await cp(path.join(clientDir, 'agent.html'), path.join(outDir, 'agent.html'));
await cp(path.join(clientDir, 'agent.css'), path.join(outDir, 'agent.css'));
const staticDir = path.join(clientDir, 'static');
if (await exists(staticDir)) await cp(staticDir, outDir, { recursive: true });

for (const px of [192, 512]) await writeFile(path.join(outDir, 'icons', `icon-${px}.png`), iconPng(px));

const js = await readFile(path.join(outDir, 'assets', 'app.js'));
// The service worker is client JS too, so it counts in the budget.
const sw = await readFile(path.join(outDir, 'sw.js'));
const size = {
  appJsBytes: js.length,
  appJsGzipBytes: gzipSync(js, { level: 9 }).length,
  swJsGzipBytes: gzipSync(sw, { level: 9 }).length,
};
size.totalJsGzipBytes = size.appJsGzipBytes + size.swJsGzipBytes;
// The console is loaded by agents only: reported apart from the citizens' budget.
size.agentJsGzipBytes = gzipSync(await readFile(path.join(outDir, 'assets', 'agent.js')), {
  level: 9,
}).length;
await writeFile(path.join(outDir, 'size.json'), `${JSON.stringify(size, null, 2)}\n`);
const previous = `${finalDir}.previous-${process.pid}`;
await rename(finalDir, previous).catch(() => undefined);
await rename(outDir, finalDir);
await rm(previous, { recursive: true, force: true });

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const elapsed = Math.round(performance.now() - started);
console.log(
  `client: dist/client/assets/app.js ${kb(size.appJsBytes)}, ${kb(size.appJsGzipBytes)} gzipped ` +
    `(${Object.keys(result.metafile.inputs).length} modules, ${elapsed} ms); ` +
    `with the service worker ${kb(size.totalJsGzipBytes)} gzipped`,
);

/**
 * The app icon (client/static/icons/icon.svg drawn again in pixels: a white
 * camera on blue) as a PNG, for the places that want one (Android install,
 * iOS home screen). Drawn here rather than committed as binaries.
 */
function iconPng(px) {
  const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
  const rows = [];
  for (let j = 0; j < px; j += 1) {
    const row = Buffer.alloc(1 + px * 4);
    for (let i = 0; i < px; i += 1) {
      const [x, y] = [((i + 0.5) * 100) / px, ((j + 0.5) * 100) / px];
      const white =
        inRoundRect(x, y, 20, 32, 62, 68, 6) ||
        (x >= 64 && x <= 82 && Math.abs(y - 50) <= ((x - 64) * 14) / 18);
      const blue = inRoundRect(x, y, 0, 0, 100, 100, 20);
      const rgba = white ? [255, 255, 255, 255] : blue ? [0x17, 0x47, 0xb8, 255] : [0, 0, 0, 0];
      Buffer.from(rgba).copy(row, 1 + i * 4);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(px, 0);
  header.writeUInt32BE(px, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
