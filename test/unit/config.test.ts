import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { AgentAuth } from '../../signaling/auth/agent-auth.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('config', () => {
  it('starts on embedded defaults in development', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBeUndefined();
    expect(config.media.listenIp).toBe('127.0.0.1');
    expect(config.media.workers).toBeGreaterThan(0);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', PUBLIC_URL: '' }).port).toBe(3000);
  });

  it('names each bad variable', () => {
    const problems = problemsOf({ PORT: 'eighty', MEDIA_WORKERS: '0', AGENT_JWT_SECRET: 'short' });
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MEDIA_WORKERS:'))).toBe(true);
    expect(problems).toContain('AGENT_JWT_SECRET: must be at least 32 characters');
  });

  it('refuses development secrets and missing addresses in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production', MEDIA_LISTEN_IP: '0.0.0.0' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['AGENT_JWT_SECRET', 'SECRET_KEY', 'PUBLIC_URL', 'MEDIA_ANNOUNCED_ADDRESS']),
    );
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      AGENT_JWT_SECRET: 'a'.repeat(48),
      SECRET_KEY: 'b'.repeat(48),
      PUBLIC_URL: 'https://visio.example.gouv.fr/',
      MEDIA_LISTEN_IP: '0.0.0.0',
      MEDIA_ANNOUNCED_ADDRESS: '203.0.113.10',
    });
    expect(config.publicUrl).toBe('https://visio.example.gouv.fr');
  });
});

describe('config: ranges', () => {
  const production = {
    NODE_ENV: 'production',
    AGENT_JWT_SECRET: 'a'.repeat(48),
    SECRET_KEY: 'b'.repeat(48),
    PUBLIC_URL: 'https://visio.example.gouv.fr',
  };

  it('refuses a reminder 0 minutes ahead, and other values out of range', () => {
    const names = (env: Record<string, string>) => problemsOf(env).map((p) => p.split(':')[0]);
    expect(names({ REMINDER_LEAD_MINUTES: '0' })).toEqual(['REMINDER_LEAD_MINUTES']);
    expect(names({ STORE_TIMEOUT_MS: '10' })).toEqual(['STORE_TIMEOUT_MS']);
    expect(names({ NOTIFY_SEND_TIMEOUT_SECONDS: '0' })).toEqual(['NOTIFY_SEND_TIMEOUT_SECONDS']);
    expect(names({ JOIN_ATTEMPTS_PER_MINUTE: '0' })).toEqual(['JOIN_ATTEMPTS_PER_MINUTE']);
    expect(names({ LOBBY_MAX_PER_ROOM: '0', MEMBER_MAX_CONSUMERS: '2' })).toEqual([
      'LOBBY_MAX_PER_ROOM',
      'MEMBER_MAX_CONSUMERS',
    ]);
    expect(names({ SOCKET_MESSAGES_BURST: '5', SOCKET_MESSAGES_PER_SECOND: '0' })).toEqual([
      'SOCKET_MESSAGES_BURST',
      'SOCKET_MESSAGES_PER_SECOND',
    ]);
    expect(names({ SOCKET_FLOOD_STRIKES: '1' })).toEqual(['SOCKET_FLOOD_STRIKES']);
    expect(names({ MEDIA_PORT_BASE: '80' })).toEqual(['MEDIA_PORT_BASE']);
    expect(names({ MEDIA_PORT_BASE: '65535', MEDIA_WORKERS: '2' })).toEqual(['MEDIA_PORT_BASE']);
    expect(names({ HTTP_HEADERS_TIMEOUT_SECONDS: '60', HTTP_REQUEST_TIMEOUT_SECONDS: '30' })).toEqual([
      'HTTP_HEADERS_TIMEOUT_SECONDS',
    ]);
    expect(loadConfig({ REMINDER_LEAD_MINUTES: '1' }).notify.reminderLeadMinutes).toBe(1);
  });

  it('puts the media ports below the ephemeral range by default, and refuses them inside it in production', () => {
    const config = loadConfig({ ...production, MEDIA_WORKERS: '64' });
    expect(config.media.portBase).toBe(20000);
    expect(config.media.portBase + 63).toBeLessThan(32768);
    const problems = problemsOf({ ...production, MEDIA_PORT_BASE: '40000', MEDIA_WORKERS: '2' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MEDIA_PORT_BASE: ports 40000-40001 overlap Linux's ephemeral range/);
    // A range ending just below it is fine.
    expect(loadConfig({ ...production, MEDIA_PORT_BASE: '32766', MEDIA_WORKERS: '2' }).media.portBase).toBe(
      32766,
    );
  });

  it('bounds the HTTP timeouts by default', () => {
    const { http } = loadConfig({});
    expect(http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnectionsPerAddress: 100,
    });
  });

  it('caps socket messages per connection by default', () => {
    expect(loadConfig({}).limits.socketMessages).toEqual({ burst: 100, perSecond: 20, floodStrikes: 200 });
  });
});

describe('config: STUN/TURN', () => {
  const secret = 'c'.repeat(40);

  it('has no ICE server by default and a 6 h credential lifetime', () => {
    expect(loadConfig({}).ice).toEqual({
      turnUrls: [],
      turnSecret: undefined,
      turnTtlSeconds: 21_600,
      stunUrls: [],
    });
  });

  it('splits comma-separated URLs', () => {
    const config = loadConfig({
      TURN_URLS: 'turn:turn.example.fr:3478?transport=udp, turns:turn.example.fr:5349?transport=tcp',
      TURN_SECRET: secret,
      STUN_URLS: 'stun:turn.example.fr:3478,stun:[2001:db8::1]:3478',
      TURN_TTL_SECONDS: '3600',
    });
    expect(config.ice).toEqual({
      turnUrls: ['turn:turn.example.fr:3478?transport=udp', 'turns:turn.example.fr:5349?transport=tcp'],
      turnSecret: secret,
      turnTtlSeconds: 3600,
      stunUrls: ['stun:turn.example.fr:3478', 'stun:[2001:db8::1]:3478'],
    });
  });

  it('names malformed URLs and lifetimes', () => {
    const problems = problemsOf({
      TURN_URLS: 'https://turn.example.fr',
      TURN_SECRET: secret,
      STUN_URLS: 'turn:turn.example.fr',
      TURN_TTL_SECONDS: '5',
    });
    expect(problems.map((p) => p.split(/[.:]/)[0])).toEqual(
      expect.arrayContaining(['TURN_URLS', 'STUN_URLS', 'TURN_TTL_SECONDS']),
    );
  });

  it('requires the secret with TURN URLs, and URLs with the secret', () => {
    expect(problemsOf({ TURN_URLS: 'turn:turn.example.fr:3478' })).toEqual([
      expect.stringMatching(/^TURN_SECRET: required with TURN_URLS/),
    ]);
    expect(problemsOf({ TURN_SECRET: secret })).toEqual([expect.stringMatching(/^TURN_URLS: required/)]);
    expect(problemsOf({ TURN_URLS: 'turn:t.example.fr', TURN_SECRET: 'short' })).toEqual([
      'TURN_SECRET: must be at least 32 characters',
    ]);
  });

  it('refuses in production a TURN secret shared with another secret', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      AGENT_JWT_SECRET: 'a'.repeat(48),
      SECRET_KEY: 'b'.repeat(48),
      PUBLIC_URL: 'https://visio.example.gouv.fr',
      TURN_URLS: 'turn:turn.example.fr:3478',
      TURN_SECRET: 'b'.repeat(48),
    });
    expect(problems).toEqual([expect.stringMatching(/^TURN_SECRET: must differ/)]);
  });
});

describe('agent tokens signed by an identity provider (RS256)', () => {
  it('verifies with the public key file, and names a bad file', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dir = mkdtempSync(join(tmpdir(), 'guichet-jwks-'));
    const file = join(dir, 'idp.pem');
    writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
    const config = loadConfig({ AGENT_JWT_ALGORITHM: 'RS256', AGENT_JWT_PUBLIC_KEY_FILE: file });
    const auth = new AgentAuth(config.agentJwt);
    const token = jwt.sign({ sub: 'alice', role: 'admin' }, privateKey, {
      algorithm: 'RS256',
      expiresIn: 60,
    });
    expect(auth.verify(token)).toEqual({ id: 'alice', name: 'alice', role: 'admin' });
    // An HS256 token made with the public key as a secret is the classic confusion attack.
    const forged = jwt.sign({ sub: 'eve' }, 'x'.repeat(32), { algorithm: 'HS256', expiresIn: 60 });
    expect(() => auth.verify(forged)).toThrow('invalid token');

    writeFileSync(file, 'not a key');
    expect(problemsOf({ AGENT_JWT_ALGORITHM: 'RS256', AGENT_JWT_PUBLIC_KEY_FILE: file })).toEqual([
      `AGENT_JWT_PUBLIC_KEY_FILE: ${file} is not a PEM public key`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});
