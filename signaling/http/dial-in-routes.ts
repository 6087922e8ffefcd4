import type { FastifyInstance } from 'fastify';
import type { DialIn } from '../appointments/dial-in.js';
import { DIAL_IN_RESOLVE_PATH, DialInResolveBodySchema } from '../protocol/index.js';
import { parseOrThrow } from '../validation.js';

/** The phone gateway's PIN lookup (signaling/protocol/dial-in.ts). */
export function registerDialInRoutes(app: FastifyInstance, dialIn: DialIn): void {
  app.post(DIAL_IN_RESOLVE_PATH, async (request) => {
    dialIn.checkService(request.headers.authorization);
    const { pin } = parseOrThrow(DialInResolveBodySchema, request.body ?? {}, 'VALIDATION_FAILED');
    return dialIn.resolve(pin);
  });
}
