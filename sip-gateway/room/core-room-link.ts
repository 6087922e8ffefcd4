import type { Logger } from 'pino';
import { z } from 'zod';
import {
  DIAL_IN_RESOLVE_PATH,
  DialInResolutionSchema,
  ErrorBodySchema,
  type DialInResolution,
} from '../../signaling/protocol/index.js';
import { CoreError } from './core-connection.js';
import { CoreSession } from './core-session.js';
import type { CallerIdentity, EnterOutcome, RoomLink } from './room-link.js';

export interface CoreRoomLinkOptions {
  /** GUICHET_URL: any node of the room core (it answers the PIN lookup and routes the join). */
  url: string;
  /** SIP_SERVICE_TOKEN, the same value as the server's. */
  serviceToken: string;
  log: Logger;
}

const RESOLVE_TIMEOUT_MS = 5000;
const ErrorAnswerSchema = z.object({ error: ErrorBodySchema });

/**
 * The RoomLink bound to the real room core: the PIN is looked up on any
 * node (POST /api/v1/dial-in/resolve, service token), then the caller joins
 * the room as a member of kind 'phone' with the service credential and the
 * PIN, on whichever node owns it. Every answer is parsed with the
 * protocol's schemas; anything unexpected is « service indisponible ».
 */
export class CoreRoomLink implements RoomLink {
  readonly #options: CoreRoomLinkOptions;

  constructor(options: CoreRoomLinkOptions) {
    this.#options = { ...options, url: options.url.replace(/\/+$/, '') };
  }

  async enterWithPin(pin: string, caller: CallerIdentity): Promise<EnterOutcome> {
    const log = this.#options.log.child({ callId: caller.callId, caller: caller.masked });
    const found = await this.#resolve(pin, log);
    if (found === 'wrong_pin' || found === 'unavailable') return { state: found };
    if (found.status === 'cancelled') return { state: 'cancelled' };
    if (found.status === 'ended' || found.status === 'no_show' || found.access === 'closed')
      return { state: 'ended' };
    const tooEarly = {
      state: 'too_early' as const,
      startsAt: new Date(found.startsAt),
      opensAt: new Date(found.opensAt),
    };
    if (found.access === 'early') return tooEarly;
    const session = new CoreSession(
      { entryUrl: this.#options.url, serviceToken: this.#options.serviceToken, log },
      found.roomId,
      pin,
      caller,
    );
    try {
      const state = await session.join();
      log.info({ state, peerId: session.participantId }, 'caller entered the room');
      return { state, session };
    } catch (error) {
      await session.leave();
      const code = error instanceof CoreError ? error.code : 'INTERNAL';
      log.info({ code }, 'the room core refused the caller');
      switch (code) {
        case 'WRONG_PASSWORD':
          return { state: 'wrong_pin' };
        case 'NOT_OPEN_YET':
          return tooEarly;
        case 'ACCESS_CLOSED':
        case 'APPOINTMENT_OVER':
        case 'ROOM_CLOSED':
          return { state: 'ended' };
        default:
          if (code === 'UNAUTHORIZED')
            log.error('the room core refused the service token (SIP_SERVICE_TOKEN)');
          return { state: 'unavailable' };
      }
    }
  }

  async #resolve(pin: string, log: Logger): Promise<DialInResolution | 'wrong_pin' | 'unavailable'> {
    let response: Response;
    try {
      response = await fetch(`${this.#options.url}${DIAL_IN_RESOLVE_PATH}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#options.serviceToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ pin }),
        signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS),
      });
    } catch (error) {
      log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'room core unreachable');
      return 'unavailable';
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const parsed = DialInResolutionSchema.safeParse(body);
      if (parsed.success) return parsed.data;
      log.error('PIN lookup answer does not fit the protocol');
      return 'unavailable';
    }
    const code = ErrorAnswerSchema.safeParse(body).data?.error.code;
    if (code === 'WRONG_PASSWORD') return 'wrong_pin';
    if (code === 'UNAUTHORIZED') log.error('the room core refused the service token (SIP_SERVICE_TOKEN)');
    else log.warn({ status: response.status, code }, 'PIN lookup failed');
    return 'unavailable';
  }
}
