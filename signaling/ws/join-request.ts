import { AppError } from '../errors.js';
import type { Credential, JoinRequest } from '../protocol/index.js';
import type { EnterRequest } from '../rooms/room-service.js';

/** The wire's join message as the room core's request: one credential, plus an optional resume. */
export function enterRequestOf(request: JoinRequest): EnterRequest {
  const resume = request.resume ? { kind: 'resume' as const, ...request.resume } : undefined;
  const credential: Credential | undefined =
    request.credential ??
    (request.token !== undefined
      ? { kind: 'token', token: request.token }
      : request.password !== undefined
        ? { kind: 'password', password: request.password }
        : resume);
  if (!credential) throw new AppError('INVALID_PAYLOAD', 'a password, a token or a credential is required');
  return {
    roomId: request.roomId,
    displayName: request.displayName,
    credential,
    ...(resume && credential !== resume ? { resume } : {}),
    ...(request.transports ? { transports: request.transports } : {}),
  };
}
