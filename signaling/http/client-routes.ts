import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The browser client: built files from dist/client (scripts/build-client.mjs),
 * and the same single page for "/" and "/r/:roomId".
 */
export async function registerClientRoutes(app: FastifyInstance, clientDir: string): Promise<void> {
  if (!existsSync(join(clientDir, 'index.html'))) {
    app.log.warn({ clientDir }, 'client not built (npm run build:client); only the API is served');
    return;
  }
  await app.register(fastifyStatic, { root: clientDir, prefix: '/', index: false, wildcard: false });
  const page = (_request: unknown, reply: { sendFile(name: string): unknown }) =>
    reply.sendFile('index.html');
  app.get('/', page);
  app.get('/r/:roomId', page);
}
