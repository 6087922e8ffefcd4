import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import {
  MAX_MESSAGE_CHARS,
  REQUEST_SCHEMAS,
  type Ack,
  type RequestName,
  type RequestResults,
} from '../protocol/index.js';
import { parseOrThrow } from '../validation.js';

export type ParsedRequest<N extends RequestName> = z.output<(typeof REQUEST_SCHEMAS)[N]>;
/** The same table, typed so that indexing it with a generic name keeps the link to that name's output. */
const SCHEMAS: { [N in RequestName]: z.ZodType<ParsedRequest<N>> } = REQUEST_SCHEMAS;

export type RequestHandler<N extends RequestName> = (data: ParsedRequest<N>) => Promise<RequestResults[N]>;

/**
 * The one wrapper every socket request goes through: argument shape, size
 * cap, schema parse, call, and the ack envelope. Errors become `{ok:false}`
 * here and only here; a bug's message never reaches the client.
 *
 * socket.io passes the ack as the last argument, whatever came before it:
 * `emit(name, ack)` (no payload), `emit(name, payload, ack)`, or
 * `emit(name, payload, extra, ack)`. Each of these is answered.
 */
export function wrapRequest<N extends RequestName>(
  name: N,
  handler: RequestHandler<N>,
  log: () => Logger,
): (...args: unknown[]) => void {
  return (...args) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      log().debug({ event: name }, 'request without ack ignored');
      return;
    }
    const payloads = args.slice(0, -1);
    const reply = (answer: Ack<RequestResults[N]>): void => {
      ack(answer);
    };
    void run(name, handler, payloads).then(reply, (error: unknown) => {
      reply(errorAck(error, name, log));
    });
  };
}

/** The error envelope for anything a request threw: an AppError keeps its code, anything else is INTERNAL. */
export function errorAck(error: unknown, event: string, log: () => Logger): Ack<never> {
  if (error instanceof AppError) {
    return {
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        ...(error.fields ? { fields: error.fields } : {}),
        ...(error.location ? { location: error.location } : {}),
        ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      },
    };
  }
  log().error({ err: error, event }, 'request failed');
  return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
}

async function run<N extends RequestName>(
  name: N,
  handler: RequestHandler<N>,
  payloads: unknown[],
): Promise<Ack<RequestResults[N]>> {
  if (payloads.length > 1) {
    throw new AppError('INVALID_PAYLOAD', `${name} takes one payload, got ${payloads.length}`);
  }
  const payload = payloads[0];
  if (messageLength(payload) > MAX_MESSAGE_CHARS) {
    throw new AppError('INVALID_PAYLOAD', `message too large (limit ${MAX_MESSAGE_CHARS} characters)`);
  }
  const data = parseOrThrow(SCHEMAS[name], payload ?? {}, 'INVALID_PAYLOAD');
  return { ok: true, data: await handler(data) };
}

function messageLength(payload: unknown): number {
  try {
    return JSON.stringify(payload)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
