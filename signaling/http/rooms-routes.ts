import type { FastifyInstance } from 'fastify';
import type { AgentAuth } from '../auth/agent-auth.js';
import { CreateRoomBodySchema, type CreateRoomResponse } from '../protocol/index.js';
import type { RoomService } from '../rooms/room-service.js';
import { parseOrThrow } from '../validation.js';

export interface RoomsRoutesDeps {
  rooms: RoomService;
  agents: AgentAuth;
  /** Read per request: in development it is only known once the server listens. */
  publicUrl: () => string;
}

/** Ad-hoc rooms created by an agent. Appointments (issue 3) build on the same store. */
export function registerRoomsRoutes(app: FastifyInstance, deps: RoomsRoutesDeps): void {
  app.post('/api/v1/rooms', async (request, reply) => {
    const agent = deps.agents.verifyHeader(request.headers.authorization);
    const body = parseOrThrow(CreateRoomBodySchema, request.body ?? {}, 'VALIDATION_FAILED');
    const { roomId, password } = await deps.rooms.createRoom(agent.id, body.title ?? null);
    const response: CreateRoomResponse = {
      roomId,
      password,
      joinUrl: `${deps.publicUrl()}/r/${roomId}`,
    };
    return reply.status(201).send(response);
  });
}
