import type { FastifyInstance } from 'fastify';
import type { AgentAuth } from '../auth/agent-auth.js';
import { NotFoundError } from '../errors.js';
import {
  CreateRoomBodySchema,
  RoomIdSchema,
  type CreateRoomResponse,
  type RoomId,
} from '../protocol/index.js';
import type { RoomCommandSink } from '../rooms/room-command.js';
import type { RoomService } from '../rooms/room-service.js';
import type { Store } from '../store/store.js';
import { parseOrThrow } from '../validation.js';

export interface RoomsRoutesDeps {
  rooms: RoomService;
  agents: AgentAuth;
  store: Store;
  /** Reaches the live room wherever it runs. */
  commands: RoomCommandSink;
  /** Read per request: in development it is only known once the server listens. */
  publicUrl: () => string;
}

/** Ad-hoc rooms created by an agent, and ending any room for all. */
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

  /**
   * End for all, from outside the call (the agent's back office): everyone
   * inside, the lobby included, sees the end screen. The room's creator,
   * the appointment's agent, or an admin; anyone else gets 404.
   */
  app.post('/api/v1/rooms/:roomId/end', async (request, reply) => {
    const agent = deps.agents.verifyHeader(request.headers.authorization);
    const roomId = roomIdOf(request.params);
    const room = await deps.store.getRoom(roomId);
    const appointment = room ? await deps.store.getAppointmentByRoom(roomId) : null;
    const owner = appointment?.agentId ?? room?.createdBy;
    if (!room || (agent.role !== 'admin' && owner !== agent.id)) {
      throw new NotFoundError('ROOM_NOT_FOUND', 'no room with this id');
    }
    await deps.commands.send(roomId, { kind: 'end' });
    return reply.status(204).send();
  });
}

function roomIdOf(params: unknown): RoomId {
  const parsed = RoomIdSchema.safeParse(
    typeof params === 'object' && params ? Reflect.get(params, 'roomId') : null,
  );
  if (!parsed.success) throw new NotFoundError('ROOM_NOT_FOUND', 'no room with this id');
  return parsed.data;
}
