import type { ErrorCode, RoomClosedReason } from '../../signaling/protocol/index.js';
import type { MessageKey } from './i18n/i18n.js';

/**
 * Failures that only the client can detect: no answer, no socket, a server
 * answer that does not parse, or a camera/mic problem.
 */
export type ClientErrorCode =
  | 'TIMEOUT'
  | 'NETWORK'
  | 'BAD_RESPONSE'
  | 'MEDIA_DENIED'
  | 'MEDIA_NOT_FOUND'
  | 'MEDIA_IN_USE'
  | 'MEDIA_UNSUPPORTED'
  | 'MEDIA_FAILED';

/** The one error type the client throws on purpose; the UI switches on `code`. */
export class GuichetError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  /** Words from a person meant for the user (a host's reason for refusing), never internals. */
  readonly reason: string | undefined;
  /** ROOM_CLOSED: why (cancelled, rescheduled...), so the page can say it. */
  readonly closedReason: RoomClosedReason | undefined;
  /** ROOM_ELSEWHERE: the node that owns the room (the protocol client goes there by itself). */
  readonly location: string | undefined;

  constructor(
    code: ErrorCode | ClientErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      reason?: string | undefined;
      closedReason?: RoomClosedReason;
      location?: string | undefined;
    },
  ) {
    super(message, options);
    this.name = 'GuichetError';
    this.code = code;
    this.reason = options?.reason;
    this.closedReason = options?.closedReason;
    this.location = options?.location;
  }
}

/** Codes that have their own sentence; every other one gets the generic message. */
const EXPLAINED: Partial<Record<ErrorCode | ClientErrorCode, MessageKey>> = {
  WRONG_PASSWORD: 'error.WRONG_PASSWORD',
  ROOM_NOT_FOUND: 'error.ROOM_NOT_FOUND',
  INVALID_PAYLOAD: 'error.INVALID_PAYLOAD',
  ROOM_CLOSED: 'error.ROOM_CLOSED',
  SHUTTING_DOWN: 'error.SHUTTING_DOWN',
  PROTOCOL_VERSION: 'error.PROTOCOL_VERSION',
  NOT_OPEN_YET: 'error.NOT_OPEN_YET',
  ACCESS_CLOSED: 'error.ACCESS_CLOSED',
  MEDIA_ERROR: 'error.MEDIA_ERROR',
  REFUSED: 'error.REFUSED',
  REMOVED: 'error.REMOVED',
  ROOM_LOCKED: 'error.ROOM_LOCKED',
  RATE_LIMITED: 'error.RATE_LIMITED',
  TIMEOUT: 'error.TIMEOUT',
  NETWORK: 'error.NETWORK',
  MEDIA_DENIED: 'error.MEDIA_DENIED',
  MEDIA_NOT_FOUND: 'error.MEDIA_NOT_FOUND',
  MEDIA_IN_USE: 'error.MEDIA_IN_USE',
  MEDIA_UNSUPPORTED: 'error.MEDIA_UNSUPPORTED',
  MEDIA_FAILED: 'error.MEDIA_FAILED',
};

export function errorCodeOf(error: unknown): ErrorCode | ClientErrorCode | undefined {
  return error instanceof GuichetError ? error.code : undefined;
}

/** The message to show for any thrown value; internals never reach the user. */
export function errorMessageKey(error: unknown): MessageKey {
  const code = errorCodeOf(error);
  return (code && EXPLAINED[code]) || 'error.generic';
}
