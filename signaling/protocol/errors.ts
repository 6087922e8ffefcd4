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
  /** The media object is not in a state for this (a transport connected twice, a closed consumer). */
  'INVALID_STATE',
  /** A per-member cap (transports, producers, consumers) is reached. */
  'LIMIT_REACHED',
  /** The connection did not join a room in time and was closed. */
  'JOIN_TIMEOUT',
  /** The appointment is over (ended or no-show): its link opens no new knock. */
  'APPOINTMENT_OVER',
  /** The resource changed meanwhile (optimistic concurrency): read it again and retry. */
  'CONFLICT',
  /** The room lives on another node: `location` is its address, and the client goes there. */
  'ROOM_ELSEWHERE',
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
  /** ROOM_ELSEWHERE: the address of the node that owns the room; the client goes there. */
  location?: string;
  /** RATE_LIMITED, LOBBY_FULL, STORE_UNAVAILABLE: seconds until a retry may succeed (REST sends Retry-After too). */
  retryAfterSeconds?: number;
}
