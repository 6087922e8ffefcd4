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
  /** Set by RoomElsewhereError only: where the client should go instead. */
  readonly location: string | undefined = undefined;

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

/** The room lives on another node: the client reconnects to `location` and joins there. */
export class RoomElsewhereError extends AppError {
  override readonly location: string;

  constructor(location: string) {
    super('ROOM_ELSEWHERE', 'this room is served by another node', 421);
    this.name = 'RoomElsewhereError';
    this.location = location;
  }
}
