/**
 * Stable error codes shared by REST answers, socket acks and connect errors.
 * Clients switch on these; never rename one (test/unit/protocol-contract pins them).
 */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'VALIDATION_FAILED',
  'PROTOCOL_VERSION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'WRONG_PASSWORD',
  'ROOM_NOT_FOUND',
  'NOT_FOUND',
  'NOT_JOINED',
  'ALREADY_JOINED',
  'ROOM_CLOSED',
  'MEDIA_ERROR',
  'SHUTTING_DOWN',
  'NOT_OPEN_YET',
  'ACCESS_CLOSED',
  'REFUSED',
  'REMOVED',
  'ROOM_LOCKED',
  'RATE_LIMITED',
  'STORE_UNAVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'LOBBY_FULL',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field-level problem in a rejected body, as `{ path: "citizen.email", message }`. */
export interface FieldError {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields?: FieldError[];
}
