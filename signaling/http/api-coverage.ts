import type { FastifyInstance } from 'fastify';
import { API_ROUTES } from './api-catalog.js';

/**
 * Records every /api route as it is registered; `check()` (once all are)
 * throws if one is missing from the catalog, or the catalog names one that
 * does not exist. The server then fails at start, not in the docs.
 */
export function trackApiRoutes(app: FastifyInstance): { check(): void } {
  const registered = new Set<string>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD' && route.url.startsWith('/api/v1/')) registered.add(`${method} ${route.url}`);
    }
  });
  return {
    check() {
      const documented = new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`));
      const undocumented = [...registered].filter((r) => !documented.has(r));
      const phantom = [...documented].filter((r) => !registered.has(r));
      if (undocumented.length > 0 || phantom.length > 0) {
        throw new Error(
          `signaling/http/api-catalog.ts is out of step with the routes: undocumented ${undocumented.join(', ') || 'none'}; ` +
            `documented but not registered ${phantom.join(', ') || 'none'}`,
        );
      }
    },
  };
}
