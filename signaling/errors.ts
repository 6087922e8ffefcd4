import type { ErrorCode, FieldError } from './protocol/index.js';

/**
 * The one error type the control plane throws on purpose. Each transport
 * (REST, socket ack, socket close) turns it into its own shape in one place;
 * anything that is not an AppError is an internal error and its message is
 * never shown to a client.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly fields: FieldError[] | undefined;
  /** For 429 and 503: when a retry may succeed (REST sends it as Retry-After). */
  retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, httpStatus: number, fields?: FieldError[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.fields = fields;
  }
}

export class ValidationError extends AppError {
  constructor(code: 'INVALID_PAYLOAD' | 'VALIDATION_FAILED', message: string, fields: FieldError[]) {
    super(code, message, 400, fields);
    this.name = 'ValidationError';
  }
}

export class AuthError extends AppError {
  constructor(message = 'authentication required') {
    super('UNAUTHORIZED', message, 401);
    this.name = 'AuthError';
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'not allowed for your role') {
    super('FORBIDDEN', message, 403);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends AppError {
  constructor(code: 'ROOM_NOT_FOUND' | 'NOT_FOUND', message: string) {
    super(code, message, 404);
    this.name = 'NotFoundError';
  }
}

/**
 * The store (Redis or SQLite) did not answer within its deadline, or is
 * down. The caller's request was not carried out and will not be later
 * (see signaling/store/store-deadline.ts): retrying is safe.
 */
export class StoreUnavailableError extends AppError {
  constructor(message = 'the data store is unavailable; retry in a moment') {
    super('STORE_UNAVAILABLE', message, 503);
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = 2;
  }
}

/** Too many attempts: `retryAfterSeconds` says when the next one may go through. */
export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message, 429);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
