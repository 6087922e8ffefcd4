import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { z } from 'zod';
import { API_ROUTES } from '../../signaling/http/api-catalog.js';
import { trackApiRoutes } from '../../signaling/http/api-coverage.js';
import { buildOpenApi, openApiPath } from '../../signaling/http/openapi.js';

const DocSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.object({ summary: z.string() }))),
});

/* The documentation's examples are parsed with the routes' own schemas: an example that drifts fails here. */
describe('the REST route catalog', () => {
  it.each(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: its examples fit its schemas',
    (_, route) => {
      if (route.body) expect(route.body.safeParse(route.example.request).error).toBeUndefined();
      else expect(route.example.request).toBeUndefined();
      const success = Object.entries(route.responses).find(([status]) => status.startsWith('2'));
      expect(success).toBeDefined();
      const schema = success?.[1].schema;
      if (schema) expect(schema.safeParse(route.example.response).error).toBeUndefined();
      else expect(route.example.response).toBeUndefined();
      expect(route.summary.fr).not.toBe(route.summary.en);
    },
  );

  it('OpenAPI has every route once, in both languages, with an example for each answer that has a body', () => {
    const keys = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const lang of ['fr', 'en'] as const) {
      const doc = DocSchema.parse(buildOpenApi('https://visio.example.fr', lang));
      for (const route of API_ROUTES) {
        expect(doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()]?.summary).toBe(
          route.summary[lang],
        );
      }
    }
  });
});

describe('catalog coverage', () => {
  it('a server with an undocumented /api route, or missing a documented one, does not start', async () => {
    const app = Fastify();
    const tracked = trackApiRoutes(app);
    app.addHook('onReady', async () => tracked.check());
    app.get('/api/v1/undocumented', async () => 'x');
    await expect(app.ready()).rejects.toThrow(
      /undocumented GET \/api\/v1\/undocumented; documented but not registered POST \/api\/v1\/appointments/,
    );
    await app.close();
  });
});
