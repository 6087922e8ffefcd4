import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AGENT_JWT_SECRET } from '../../server/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('REST: rooms and health (real HTTP, real worker)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${server.baseUrl}/api/v1/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('creates a room for an agent', async () => {
    const response = await post({ authorization: `Bearer ${server.agentToken()}` }, '{"title":"RDV"}');
    expect(response.status).toBe(201);
    const body = (await response.json()) as { roomId: string; password: string; joinUrl: string };
    expect(body.roomId).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
    expect(body.password).toMatch(/^[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}$/);
    expect(body.joinUrl).toBe(`${server.baseUrl}/r/${body.roomId}`);
  });

  it.each([
    ['no token', {}, 'missing bearer token'],
    [
      'an expired token',
      {
        authorization: `Bearer ${jwt.sign({ sub: 'a', exp: Math.floor(Date.now() / 1000) - 60 }, DEV_AGENT_JWT_SECRET)}`,
      },
      'token expired',
    ],
    [
      'a wrongly signed token',
      {
        authorization: `Bearer ${jwt.sign({ sub: 'a' }, 'another-secret-another-secret-000000', { expiresIn: 60 })}`,
      },
      'invalid token',
    ],
    [
      'a token without exp',
      { authorization: `Bearer ${jwt.sign({ sub: 'a' }, DEV_AGENT_JWT_SECRET)}` },
      'token lacks required claims (sub, exp)',
    ],
    [
      'an unsigned token',
      {
        authorization: `Bearer ${jwt.sign({ sub: 'a', exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none' })}`,
      },
      'invalid token',
    ],
  ])('answers 401 to %s', async (_label, headers, message) => {
    const response = await post(headers, '{}');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED', message } });
  });

  it('answers 400 with errors by field for a bad body', async () => {
    const response = await post(
      { authorization: `Bearer ${server.agentToken()}` },
      JSON.stringify({ title: 'x'.repeat(300), colour: 'blue' }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; fields: { path: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.fields.map((f) => f.path).sort()).toEqual(['colour', 'title']);
  });

  it('answers 400 for malformed JSON, without internals', async () => {
    const response = await post({ authorization: `Bearer ${server.agentToken()}` }, '{"title":');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 in JSON for unknown routes', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/nothing`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('reports health with live workers', async () => {
    const response = await fetch(`${server.baseUrl}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', workersAlive: 1, workersTotal: 1 });
    expect(typeof body['uptimeSeconds']).toBe('number');
  });

  it('locks every answer to its own origin and sends no referrer', async () => {
    for (const path of ['/health', '/api/v1/nothing', '/']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/https?:|\*/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});
