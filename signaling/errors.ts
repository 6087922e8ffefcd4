import type { ErrorCode, FieldError } from './protocol/index.js';

/**
 * The one table from error code to HTTP status. REST answers with it; the
 * socket gateway and the SIP gateway carry the code itself. A code means the
 * same thing wherever it is raised, so it has one status.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_PAYLOAD: 400,
  VALIDATION_FAILED: 400,
  PROTOCOL_VERSION: 400,
  UNAUTHORIZED: 401,
  WRONG_PASSWORD: 401,
  FORBIDDEN: 403,
  NOT_OPEN_YET: 403,
  ACCESS_CLOSED: 403,
  REFUSED: 403,
  REMOVED: 403,
  ROOM_NOT_FOUND: 404,
  NOT_FOUND: 404,
  JOIN_TIMEOUT: 408,
  NOT_JOINED: 409,
  ALREADY_JOINED: 409,
  ROOM_CLOSED: 409,
  INVALID_STATE: 409,
  CONFLICT: 409,
  APPOINTMENT_OVER: 410,
  IDEMPOTENCY_KEY_REUSED: 422,
  // Misdirected Request: this node does not serve the room; `location` says which one does.
  ROOM_ELSEWHERE: 421,
  ROOM_LOCKED: 423,
  RATE_LIMITED: 429,
  LIMIT_REACHED: 429,
  INTERNAL: 500,
  MEDIA_ERROR: 503,
  STORE_UNAVAILABLE: 503,
  // Waiting room full: come back later (Retry-After).
  LOBBY_FULL: 503,
  SHUTTING_DOWN: 503,
};

/**
 * The one error type the control plane throws on purpose. Each transport
 * (REST, socket ack, socket close) turns it into its own shape in one place;
 * anything that is not an AppError is an internal error and its message is
 * never shown to a client.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  /** Set by RoomElsewhereError only: where the client should go instead. */
  readonly location: string | undefined = undefined;
  /** For 429 and 503: when a retry may succeed (REST sends it as Retry-After). */
  retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, fields?: FieldError[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export class ValidationError extends AppError {
  constructor(code: 'INVALID_PAYLOAD' | 'VALIDATION_FAILED', message: string, fields: FieldError[]) {
    super(code, message, fields);
    this.name = 'ValidationError';
  }
}

export class AuthError extends AppError {
  constructor(message = 'authentication required') {
    super('UNAUTHORIZED', message);
    this.name = 'AuthError';
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'not allowed for your role') {
    super('FORBIDDEN', message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends AppError {
  constructor(code: 'ROOM_NOT_FOUND' | 'NOT_FOUND', message: string) {
    super(code, message);
    this.name = 'NotFoundError';
  }
}

/** The room lives on another node: the client reconnects to `location` and joins there. */
export class RoomElsewhereError extends AppError {
  override readonly location: string;

  constructor(location: string) {
    super('ROOM_ELSEWHERE', 'this room is served by another node');
    this.name = 'RoomElsewhereError';
    this.location = location;
  }
}

/**
 * The store (Redis or SQLite) did not answer within its deadline, or is
 * down. The caller's request was not carried out and will not be later
 * (see signaling/store/store-deadline.ts): retrying is safe.
 */
export class StoreUnavailableError extends AppError {
  constructor(message = 'the data store is unavailable; retry in a moment') {
    super('STORE_UNAVAILABLE', message);
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = 2;
  }
}

/** Too many attempts: `retryAfterSeconds` says when the next one may go through. */
export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
