import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RoomPage } from '../appointments/room-page.js';
import { AppError } from '../errors.js';

export type ResolveRoomPage = (roomId: string, token: string | undefined) => Promise<RoomPage>;

const RoomPageQuerySchema = z.object({ t: z.string().max(4096).optional() });

/**
 * The browser client: built files from dist/client (scripts/build-client.mjs),
 * and the same single page for "/" and "/r/:roomId" — unless the room's
 * one-click link is outside its access window, then a waiting page.
 */
export async function registerClientRoutes(
  app: FastifyInstance,
  clientDir: string,
  resolveRoomPage: ResolveRoomPage,
): Promise<void> {
  const built = existsSync(join(clientDir, 'index.html'));
  if (!built) app.log.warn({ clientDir }, 'client not built (npm run build:client); only the API is served');
  else await app.register(fastifyStatic, { root: clientDir, prefix: '/', index: false, wildcard: false });

  app.get('/', async (_request, reply) =>
    built ? reply.sendFile('index.html') : reply.status(503).send('client not built'),
  );
  // The accessibility statement RGAA requires, at the address users expect (French, then English).
  for (const [route, file] of [
    ['/accessibilite', 'accessibilite.html'],
    ['/accessibility', 'accessibility.html'],
  ] as const) {
    app.get(route, async (_request, reply) =>
      built ? reply.sendFile(file) : reply.status(503).send('client not built'),
    );
  }
  app.get('/r/:roomId', async (request, reply) => {
    const params = z.object({ roomId: z.string().max(64) }).safeParse(request.params);
    const query = RoomPageQuerySchema.safeParse(request.query);
    const page = await resolveRoomPage(
      params.success ? params.data.roomId : '',
      query.success ? query.data.t : undefined,
    );
    if (page.kind === 'waiting') {
      return reply
        .status(page.status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(page.html);
    }
    return built ? reply.sendFile('index.html') : reply.status(503).send('client not built');
  });
  // What the page shows around the call (service, agent, time, pre-filled name): the same
  // decision as the page itself, so a link outside its window learns nothing more here.
  app.get('/r/:roomId/info', async (request, reply) => {
    const params = z.object({ roomId: z.string().max(64) }).safeParse(request.params);
    const query = RoomPageQuerySchema.safeParse(request.query);
    const page = await resolveRoomPage(
      params.success ? params.data.roomId : '',
      query.success ? query.data.t : undefined,
    );
    if (page.kind !== 'app' || !page.info)
      throw new AppError('ROOM_NOT_FOUND', 'no appointment for this link now');
    return reply.header('cache-control', 'no-store').send(page.info);
  });
}
