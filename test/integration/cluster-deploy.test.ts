import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../server/config.js';

/*
 * The two-node deployment (deploy/docker-compose.cluster.yml over the base
 * and TLS files, deploy/Caddyfile.cluster) agrees with itself: each node has
 * its own id, its NODE_URL is routed to it by the proxy, media ports don't
 * collide, and docker-compose accepts the three files together.
 */

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const FILES = ['docker-compose.yml', 'deploy/docker-compose.tls.yml', 'deploy/docker-compose.cluster.yml'];

const ServiceSchema = z.object({
  environment: z.record(z.string(), z.string()).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
});
const ComposeSchema = z.object({ services: z.record(z.string(), ServiceSchema) });
/** docker-compose config's merged output: only the environments are compared (ports come out in long form). */
const MergedSchema = z.object({
  services: z.record(
    z.string(),
    z.object({ environment: z.record(z.string(), z.union([z.string(), z.null()])).optional() }),
  ),
});
const base = ComposeSchema.parse(parse(read('docker-compose.yml')));
const cluster = ComposeSchema.parse(parse(read('deploy/docker-compose.cluster.yml')));

/** The environment a node runs with: base, then the overrides (as compose merges them). */
function nodeEnv(name: string): Record<string, string> {
  const tls = ComposeSchema.parse(parse(read('deploy/docker-compose.tls.yml')));
  return {
    ...base.services[name]?.environment,
    ...tls.services[name]?.environment,
    ...cluster.services[name]?.environment,
  };
}

function mediaPorts(ports: string[]): number[] {
  return ports.flatMap((spec) => {
    const match = /^(\d+)-(\d+):(\d+)-(\d+)\/(udp|tcp)$/.exec(spec);
    if (!match) return [];
    const [from, to] = [Number(match[1]), Number(match[2])];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

describe('deploy/docker-compose.cluster.yml', () => {
  const nodes = ['guichet', 'guichet-b'];

  it('runs two nodes with their own ids, addresses under the public origin, and media ports', () => {
    const envs = nodes.map(nodeEnv);
    expect(new Set(envs.map((env) => env['NODE_ID'])).size).toBe(2);
    for (const env of envs) {
      expect(env['REDIS_URL']).toBe('redis://redis:6379');
      expect(env['NODE_URL']).toBe(`${env['PUBLIC_URL']}/n/${env['NODE_ID']}`);
      expect(env['TRUST_PROXY']).toBe('true');
    }
    const ports = nodes.map((name) => {
      const own = [...(base.services[name]?.ports ?? []), ...(cluster.services[name]?.ports ?? [])];
      return mediaPorts(own);
    });
    const [a = [], b = []] = ports;
    expect(a.length).toBeGreaterThan(0);
    expect(b.filter((port) => a.includes(port))).toEqual([]);
    for (const [i, env] of envs.entries()) {
      const basePort = Number(env['MEDIA_PORT_BASE']);
      const workers = Number(env['MEDIA_WORKERS']);
      expect([...new Set(ports[i])].sort()).toEqual(Array.from({ length: workers }, (_, w) => basePort + w));
    }
  });

  it("routes each node's path to that node and the rest to every node, health-checked", () => {
    const caddyfile = read('deploy/Caddyfile.cluster');
    for (const [name, env] of nodes.map((n) => [n, nodeEnv(n)] as const)) {
      const route = new RegExp(`handle_path /n/${env['NODE_ID']}/\\* \\{\\s*reverse_proxy ${name}:3000 `);
      expect(caddyfile).toMatch(route);
    }
    expect(caddyfile).toMatch(/reverse_proxy guichet:3000 guichet-b:3000 \{[^}]*health_uri \/ready/);
    expect(caddyfile).toMatch(/respond @metrics 404/);
  });

  it('gives each node a valid production configuration', () => {
    for (const name of nodes) {
      const config = loadConfig({
        ...nodeEnv(name),
        PUBLIC_URL: 'https://visio.example.fr',
        NODE_URL: nodeEnv(name)['NODE_URL']?.replace('${DOMAIN:?set DOMAIN in .env}', 'visio.example.fr'),
        SECRET_KEY: 'a-real-secret-a-real-secret-a-real-secret-00',
        AGENT_JWT_SECRET: 'another-real-secret-another-real-secret-00',
        TURN_SECRET: 'the-turn-secret-the-turn-secret-the-turn-00',
        TURN_URLS: 'turn:visio.example.fr:3478?transport=udp',
        MEDIA_ANNOUNCED_ADDRESS: '203.0.113.7',
      });
      expect(config.node.url).toMatch(/^https:\/\/visio\.example\.fr\/n\/node-[ab]$/);
    }
  });
});

// Debian's docker-compose validates offline (unknown keys, interpolation) without a Docker engine.
describe.runIf(existsSync('/usr/bin/docker-compose'))('docker-compose config (cluster)', () => {
  it('accepts the base file, the TLS override and the cluster override together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-compose-'));
    try {
      cpSync(join(root, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
      cpSync(join(root, 'deploy'), join(dir, 'deploy'), { recursive: true });
      cpSync(join(root, 'deploy', 'env.example'), join(dir, '.env'));
      const args = [...FILES.flatMap((f) => ['-f', f]), 'config'];
      const merged = execFileSync('/usr/bin/docker-compose', args, {
        cwd: dir,
        stdio: 'pipe',
        env: {
          ...process.env,
          DOMAIN: 'visio.example.fr',
          ACME_EMAIL: 'ops@example.fr',
          TURN_SECRET: 'x'.repeat(40),
          TURN_REALM: 'visio.example.fr',
          MEDIA_ANNOUNCED_ADDRESS: '203.0.113.7',
        },
      }).toString();
      const services = MergedSchema.parse(parse(merged)).services;
      expect(Object.keys(services).sort()).toEqual([
        'caddy',
        'coturn',
        'guichet',
        'guichet-b',
        'redis',
        'sip-gateway',
      ]);
      expect(services['guichet']?.environment?.['NODE_URL']).toBe('https://visio.example.fr/n/node-a');
      expect(services['guichet-b']?.environment?.['NODE_URL']).toBe('https://visio.example.fr/n/node-b');
      // The phone gateway asks node a and follows ROOM_ELSEWHERE; its RTP reaches each node by its service name.
      expect(services['sip-gateway']?.environment?.['GUICHET_URL']).toBe('http://guichet:3000');
      expect(services['guichet']?.environment?.['MEDIA_PLAIN_ANNOUNCED_ADDRESS']).toBe('guichet');
      expect(services['guichet-b']?.environment?.['MEDIA_PLAIN_ANNOUNCED_ADDRESS']).toBe('guichet-b');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
