import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

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
