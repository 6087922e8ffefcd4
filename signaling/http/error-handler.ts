import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import type { ErrorBody } from '../protocol/index.js';

/**
 * REST errors, mapped in one place: an AppError keeps its code and status;
 * Fastify's own client errors (bad JSON, body too large, wrong content type)
 * keep their 4xx status under a stable code; everything else is a 500 whose
 * details stay in the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof AppError) {
      const body: ErrorBody = { code: error.code, message: error.message };
      if (error.fields) body.fields = error.fields;
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(error.httpStatus).send({ error: body });
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED';
      return reply.status(status).send({ error: { code, message: error.message } satisfies ErrorBody });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL', message: 'internal error' } satisfies ErrorBody });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      } satisfies ErrorBody,
    });
  });
}
