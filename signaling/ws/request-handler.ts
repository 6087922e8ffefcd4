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
 * The one wrapper every socket request goes through: size cap, schema
 * parse, call, and the ack envelope. Errors become `{ok:false}` here and
 * only here; a bug's message never reaches the client.
 */
export function wrapRequest<N extends RequestName>(
  name: N,
  handler: RequestHandler<N>,
  log: () => Logger,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    if (typeof ack !== 'function') {
      log().debug({ event: name }, 'request without ack ignored');
      return;
    }
    const reply = (answer: Ack<RequestResults[N]>): void => {
      ack(answer);
    };
    void run(name, handler, payload).then(reply, (error: unknown) => {
      if (error instanceof AppError) {
        reply({
          ok: false,
          error: {
            code: error.code,
            message: error.message,
            ...(error.fields ? { fields: error.fields } : {}),
            ...(error.location ? { location: error.location } : {}),
          },
        });
        return;
      }
      log().error({ err: error, event: name }, 'request failed');
      reply({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    });
  };
}

async function run<N extends RequestName>(
  name: N,
  handler: RequestHandler<N>,
  payload: unknown,
): Promise<Ack<RequestResults[N]>> {
  if (messageLength(payload) > MAX_MESSAGE_CHARS) {
    throw new AppError('INVALID_PAYLOAD', `message too large (limit ${MAX_MESSAGE_CHARS} characters)`, 413);
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
