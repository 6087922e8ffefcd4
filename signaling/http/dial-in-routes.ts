import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DialInCodes } from '../appointments/dial-in-code.js';
import { ValidationError } from '../errors.js';
import { DialInCodeQuerySchema, dialInNumbersForJitsi, type DialInNumber } from '../protocol/dial-in.js';

export const DIAL_IN_NUMBERS_PATH = '/api/v1/dial-in/numbers';
export const DIAL_IN_CODE_PATH = '/api/v1/dial-in/code';
/** Not in the URL: query strings end up in proxies' logs and browser histories. */
export const ROOM_PASSWORD_HEADER = 'x-room-password';

export const DialInNumbersQuerySchema = z.object({ conference: z.string().max(320).optional() });

export interface DialInRoutesDeps {
  numbers: readonly DialInNumber[];
  codes: DialInCodes;
}

/**
 * Jitsi Meet's two dial-in endpoints, so a Jitsi front end (or anything
 * written for it) can show our numbers and PINs: `dialInNumbersUrl` (public:
 * the numbers are in every invitation) and `dialInConfCodeUrl` (the PIN, for
 * whoever proves access to the room; see DialInCodes).
 */
export function registerDialInRoutes(app: FastifyInstance, deps: DialInRoutesDeps): void {
  const numbers = dialInNumbersForJitsi(deps.numbers);
  // `?conference=` (Jitsi sends it) is accepted and ignored: the numbers are the same for every room.
  app.get(DIAL_IN_NUMBERS_PATH, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return numbers;
  });
  app.get(DIAL_IN_CODE_PATH, async (request, reply) => {
    const query = DialInCodeQuerySchema.safeParse(request.query);
    if (!query.success) {
      throw new ValidationError(
        'VALIDATION_FAILED',
        'conference is required',
        query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    const header = request.headers[ROOM_PASSWORD_HEADER];
    const password =
      typeof header === 'string' && header.length > 0 && header.length <= 128 ? header : undefined;
    const code = await deps.codes.lookup(
      query.data.conference,
      { token: query.data.t, password },
      request.ip,
    );
    reply.header('cache-control', 'no-store');
    return code;
  });
}
