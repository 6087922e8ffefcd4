import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../server/config.js';
import { EnvShape } from '../../server/config-schema.js';
import { loadSipConfig, SipEnvShape } from '../../sip-gateway/config.js';

/*
 * The deployment files agree with the code and with each other: what an
 * operator would only find out when the first relayed call fails.
 */

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** Variables in env.example that are not server settings, each with who reads it. */
const NOT_IN_SCHEMA: Record<string, string> = {
  MEDIASOUP_WORKER_BIN: 'mediasoup itself',
};

const ServiceSchema = z.object({
  image: z.string().optional(),
  environment: z.record(z.string(), z.string()).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  stop_grace_period: z.string().optional(),
  network_mode: z.string().optional(),
  env_file: z.string().optional(),
  profiles: z.array(z.string()).optional(),
});
const ComposeSchema = z.object({
  services: z.record(z.string(), ServiceSchema),
  volumes: z.record(z.string(), z.unknown()).optional(),
});
type Service = z.infer<typeof ServiceSchema>;

const compose = ComposeSchema.parse(parse(read('docker-compose.yml')));
const tls = ComposeSchema.parse(parse(read('deploy/docker-compose.tls.yml')));

function service(file: z.infer<typeof ComposeSchema>, name: string): Service {
  const found = file.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

/** KEY=value and commented `# KEY=value` lines: documented variables and their example values. */
function envExample(): Map<string, { value: string; commented: boolean }> {
  const entries = new Map<string, { value: string; commented: boolean }>();
  for (const line of read('deploy/env.example').split('\n')) {
    const match = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[2] !== undefined)
      entries.set(match[2], { value: match[3] ?? '', commented: match[1] !== undefined });
  }
  return entries;
}

/** `[ip:]published[-end]:target[-end][/proto]` → one entry per port. */
function publishedPorts(ports: string[]): { published: number; target: number; protocol: string }[] {
  return ports.flatMap((spec) => {
    const match = /^(?:[\d.]+:)?(\d+)(?:-(\d+))?:(\d+)(?:-(\d+))?(?:\/(udp|tcp))?$/.exec(spec);
    if (!match) throw new Error(`unparsed port spec ${spec}`);
    const [, from, to, targetFrom, targetTo] = match.map(Number);
    const count = (to || from!) - from! + 1;
    expect((targetTo || targetFrom!) - targetFrom! + 1, spec).toBe(count);
    return Array.from({ length: count }, (_, i) => ({
      published: from! + i,
      target: targetFrom! + i,
      protocol: match[5] ?? 'tcp',
    }));
  });
}

/** `${NAME}`, `${NAME:-x}`, `${NAME:?x}` references in a compose file. */
const referencedVariables = (text: string): string[] =>
  [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?:[:?-][^}]*)?\}/g)].map((m) => m[1] ?? '');

describe('docker-compose.yml', () => {
  const guichet = service(compose, 'guichet');
  const redis = service(compose, 'redis');
  const coturn = service(compose, 'coturn');

  it('runs guichet, redis and coturn, and the phone gateway on demand', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['coturn', 'guichet', 'redis', 'sip-gateway']);
    expect(guichet.environment?.['REDIS_URL']).toBe('redis://redis:6379');
  });

  it('runs the phone gateway from the same image, as a client of the guichet service', () => {
    const sip = service(compose, 'sip-gateway');
    expect(sip.image).toBe(guichet.image);
    expect(sip.profiles).toEqual(['phone']);
    expect([sip.command ?? ''].flat().join(' ')).toBe('node dist/sip-gateway/main.js');
    const env = sip.environment ?? {};
    // The room core at the service's own port, the same Redis for the shared wrong-PIN counters.
    expect(env['GUICHET_URL']).toBe(`http://guichet:${guichet.environment?.['PORT'] ?? '?'}`);
    expect(env['REDIS_URL']).toBe(guichet.environment?.['REDIS_URL']);
    // Its config accepts what compose gives it, once .env has the token and the trunk.
    const config = loadSipConfig({
      ...env,
      SIP_ADVERTISED_HOST: '203.0.113.10',
      SIP_SERVICE_TOKEN: 's'.repeat(48),
      SIP_TRUNK_ALLOWED_IPS: '192.0.2.0/28',
    });
    // SIP on UDP and TCP, and the whole RTP range, published unchanged (the SDP announces them).
    const published = publishedPorts(sip.ports ?? []);
    const port = config.gateway.listen.port;
    expect(
      published
        .filter((p) => p.target === port)
        .map((p) => p.protocol)
        .sort(),
    ).toEqual(['tcp', 'udp']);
    const rtp = published.filter((p) => p.target !== port);
    for (const p of rtp) expect([p.published, p.protocol]).toEqual([p.target, 'udp']);
    const { portMin, portMax } = config.gateway.rtp;
    expect(rtp.map((p) => p.target)).toEqual(
      Array.from({ length: portMax - portMin + 1 }, (_, i) => portMin + i),
    );
    // The gateway's RTP toward the room goes to the guichet container, not the public address.
    expect(guichet.environment?.['MEDIA_PLAIN_ANNOUNCED_ADDRESS']).toBe('guichet');
    // The server and the gateway read the same token line from .env.
    expect(envExample().has('SIP_SERVICE_TOKEN')).toBe(true);
    expect(sip.env_file ?? guichet.env_file).toBe('.env');
  });

  it("publishes each worker's UDP and TCP port, MEDIA_PORT_BASE + i, unchanged", () => {
    const workers = Number(guichet.environment?.['MEDIA_WORKERS']);
    const base = Number(guichet.environment?.['MEDIA_PORT_BASE']);
    expect(workers).toBeGreaterThan(0);
    const media = publishedPorts(guichet.ports ?? []).filter((p) => p.target !== 3000);
    // Announced in ICE candidates as the container sees it: outside and inside must match.
    for (const port of media) expect(port.published).toBe(port.target);
    const expected = Array.from({ length: workers }, (_, i) => base + i);
    for (const protocol of ['udp', 'tcp']) {
      expect(media.filter((p) => p.protocol === protocol).map((p) => p.target)).toEqual(expected);
    }
    // HTTP only on loopback: TLS is the reverse proxy's job.
    expect(guichet.ports).toContain('127.0.0.1:3000:3000');
  });

  it('gives guichet and coturn the same TURN secret variable', () => {
    expect(guichet.environment?.['TURN_SECRET']).toMatch(/^\$\{TURN_SECRET(:\?[^}]*)?\}$/);
    expect(coturn.environment?.['TURN_SECRET']).toBe(guichet.environment?.['TURN_SECRET']);
    const command = [coturn.command ?? ''].flat().join(' ');
    expect(command).toContain('static-auth-secret=$$TURN_SECRET');
    expect(read('deploy/coturn/turnserver.conf')).toMatch(/^use-auth-secret$/m);
    // The realm is coturn's; the external IP is the one browsers send media to.
    expect(coturn.environment?.['TURN_EXTERNAL_IP']).toMatch(/^\$\{MEDIA_ANNOUNCED_ADDRESS/);
  });

  it('has health checks, and a drain shorter than the stop grace period', () => {
    expect(guichet.healthcheck?.test.join(' ')).toContain('/health');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(read('deploy/Dockerfile')).toMatch(/^HEALTHCHECK /m);
    const grace = /^(\d+)s$/.exec(guichet.stop_grace_period ?? '')?.[1];
    const drain = envExample().get('SHUTDOWN_DRAIN_SECONDS')?.value;
    expect(Number(grace)).toBeGreaterThan(Number(drain));
  });

  it('copies into the image every file the build needs (what npm run build runs, the folders tsc compiles)', () => {
    const dockerfile = read('deploy/Dockerfile');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      (m[1] ?? '').trim().split(/\s+/).slice(0, -1),
    );
    for (const source of copied)
      expect(existsSync(join(root, source)), `${source} is in the repository`).toBe(true);
    const pkg = z
      .object({ scripts: z.record(z.string(), z.string()) })
      .parse(JSON.parse(read('package.json')));
    const build = pkg.scripts['build'] ?? '';
    for (const script of build.match(/scripts\/[\w.-]+/g) ?? []) {
      expect(
        copied.some((source) => source === script || script.startsWith(source)),
        `${script} copied`,
      ).toBe(true);
    }
    const included = z
      .object({ include: z.array(z.string()) })
      .parse(JSON.parse(read('tsconfig.build.json')));
    for (const folder of included.include) {
      expect(
        copied.some((source) => source.replace(/\/$/, '') === folder),
        `${folder}/ copied`,
      ).toBe(true);
    }
  });

  it('persists Redis (append-only file) and the data folder on volumes', () => {
    const command = [redis.command ?? ''].flat().join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(guichet.volumes).toContain(`guichet-data:${guichet.environment?.['DATA_DIR'] ?? '?'}`);
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['guichet-data', 'redis-data']);
  });
});

describe('deploy/env.example', () => {
  const documented = envExample();
  // The server's settings, and the phone gateway's (its own process, the same .env).
  const settings = [...Object.keys(EnvShape.shape), ...Object.keys(SipEnvShape.shape)];
  const composeVariables = new Set([
    ...referencedVariables(read('docker-compose.yml')),
    ...referencedVariables(read('deploy/docker-compose.tls.yml')),
  ]);

  it('documents every setting of config-schema.ts', () => {
    expect(Object.keys(EnvShape.shape).filter((key) => !documented.has(key))).toEqual([]);
  });

  it('holds nothing but settings, process variables and variables the compose files use', () => {
    const unknown = [...documented.keys()].filter(
      (key) => !settings.includes(key) && !(key in NOT_IN_SCHEMA) && !composeVariables.has(key),
    );
    expect(unknown).toEqual([]);
  });

  it('with compose and the secrets filled in, is a valid production configuration', () => {
    // .env = env.example; compose's `environment:` wins over it, interpolated from .env.
    const dotEnv: Record<string, string> = {};
    for (const [key, { value, commented }] of documented) if (!commented) dotEnv[key] = value;
    const interpolate = (value: string): string =>
      value.replace(/\$\{([A-Z_]+)[^}]*\}/g, (_, name: string) => dotEnv[name] ?? '');
    const env: Record<string, string> = { ...dotEnv };
    const overrides = { ...service(compose, 'guichet').environment, ...service(tls, 'guichet').environment };
    for (const [key, value] of Object.entries(overrides)) env[key] = interpolate(value);
    // As shipped: the placeholders are refused, by name.
    try {
      loadConfig(env);
      expect.unreachable('the CHANGE-ME secrets must be refused');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      expect([...new Set(error.problems.map((p) => p.split(':')[0]))].sort()).toEqual([
        'AGENT_JWT_SECRET',
        'SECRET_KEY',
        'TURN_SECRET',
      ]);
    }
    const config = loadConfig({
      ...env,
      AGENT_JWT_SECRET: 'a'.repeat(48),
      SECRET_KEY: 'b'.repeat(48),
      TURN_SECRET: 'c'.repeat(48),
    });
    expect(config.env).toBe('production');
    expect(config.publicUrl).toBe('https://visio.example.fr');
    expect(config.ice.turnUrls.length).toBeGreaterThan(0);
    expect(config.ice.stunUrls).toEqual([]);
  });
});

describe('deploy/docker-compose.tls.yml', () => {
  it('puts Caddy in front, trusted as a proxy, on the port guichet listens on', () => {
    expect(service(tls, 'caddy').ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(service(tls, 'guichet').environment?.['TRUST_PROXY']).toBe('true');
    const caddyfile = read('deploy/Caddyfile');
    expect(caddyfile).toMatch(/reverse_proxy guichet:3000 /);
    expect(service(compose, 'guichet').environment?.['PORT']).toBe('3000');
    // Metrics are scraped from inside, never served to the internet.
    expect(caddyfile).toMatch(/respond @metrics 404/);
  });
});

// Debian's docker-compose validates offline (unknown keys, interpolation) without a Docker engine.
describe.runIf(existsSync('/usr/bin/docker-compose'))('docker-compose config', () => {
  it('accepts the base file and the TLS override', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-compose-'));
    try {
      cpSync(join(root, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
      cpSync(join(root, 'deploy'), join(dir, 'deploy'), { recursive: true });
      cpSync(join(root, 'deploy', 'env.example'), join(dir, '.env'));
      for (const files of [['docker-compose.yml'], ['docker-compose.yml', 'deploy/docker-compose.tls.yml']]) {
        const args = [...files.flatMap((f) => ['-f', f]), 'config', '--quiet'];
        execFileSync('/usr/bin/docker-compose', args, { cwd: dir, stdio: 'pipe' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
