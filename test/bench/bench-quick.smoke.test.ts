import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/*
 * `npm run bench -- --quick` as a smoke test: every stage runs against the
 * real parts (mediasoup worker, Janus, Guichet server, Chromium) and yields
 * figures. It checks that the benchmark works, never how fast anything is:
 * performance lives in BENCHMARKS.md, from full runs.
 */

const Wave = z.object({ clients: z.number(), ok: z.number(), failed: z.number() });
const Step = z.object({ viewers: z.number(), connected: z.number(), packetsOutPerSec: z.number() });
const Results = z.object({
  plain: z.object({
    steps: z.array(z.object({ consumers: z.number(), packetsOutPerSec: z.number() })).min(1),
  }),
  webrtc: z.array(Step).min(1),
  janus: z.array(Step).min(1),
  joins: z.array(Wave).min(1),
  joinFloor: z.array(Wave).min(1),
  idle: z.object({ joined: z.number(), stillConnected: z.number(), target: z.number() }),
  firstFrame: z.object({ runs: z.array(z.number()).min(1) }),
  clientSize: z.object({ gzipBytes: z.number() }),
});

const root = process.getuid?.() === 0;

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The bench creates network namespaces and pins processes: root only (CI runs as root).
  it.skipIf(!root)('runs every stage against the real parts and reports figures', () => {
    const report = join(dir, 'BENCHMARKS.md');
    const json = join(dir, 'results.json');
    const run = spawnSync('bash', ['bench/run.sh', '--quick'], {
      env: { ...process.env, BENCH_REPORT: report, BENCH_JSON: json, SKIP_APT: '1' },
      encoding: 'utf8',
      timeout: 200_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output.slice(-3000)).toBe(0);
    expect(output).not.toContain('FAILED');

    const results = Results.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(results.plain.steps.every((s) => s.packetsOutPerSec > 0)).toBe(true);
    for (const step of [...results.webrtc, ...results.janus]) {
      expect(step.connected).toBe(step.viewers);
      expect(step.packetsOutPerSec).toBeGreaterThan(0);
    }
    for (const wave of [...results.joins, ...results.joinFloor]) expect(wave.ok).toBe(wave.clients);
    expect(results.idle.joined).toBe(results.idle.target);
    expect(results.idle.stillConnected).toBe(results.idle.target);
    expect(results.clientSize.gzipBytes).toBeGreaterThan(0);

    // The report is written with the machine, the date and the command.
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/^# Benchmarks/);
    expect(text).toContain('Machine:');
    expect(text).toContain('npm run bench');
  });
});
