import { z } from 'zod';
import {
  AppointmentViewSchema,
  AuditEventViewSchema,
  CreateAppointmentBodySchema,
  CreateRoomBodySchema,
  ListAppointmentsQuerySchema,
  OutboxMessageViewSchema,
  PatchAppointmentBodySchema,
} from '../protocol/index.js';

/*
 * The OpenAPI 3.1 document, generated from the very zod schemas the routes
 * parse with, so the documentation can't drift from the behaviour.
 */

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) },
});

const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const errors = {
  '400': { description: 'Invalid input; `error.fields` lists each bad field', content: json(ErrorSchema) },
  '401': { description: 'Missing, expired or invalid bearer token', content: json(ErrorSchema) },
  '429': {
    description: 'RATE_LIMITED: too many calls for this token; see Retry-After',
    content: json(ErrorSchema),
  },
  '503': {
    description:
      'STORE_UNAVAILABLE: the data store did not answer in time; nothing was done; retry after Retry-After',
    content: json(ErrorSchema),
  },
};
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the same key with the same body returns the first booking (kept 24 h); with another body, 422 IDEMPOTENCY_KEY_REUSED',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
};
const notFound = { '404': { description: 'No such appointment (or not yours)', content: json(ErrorSchema) } };
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];

export function buildOpenApi(serverUrl: string): Record<string, unknown> {
  const listQuery = z.toJSONSchema(ListAppointmentsQuerySchema, { io: 'input' });
  const queryParams = Object.entries(
    typeof listQuery === 'object' && 'properties' in listQuery && listQuery.properties
      ? listQuery.properties
      : {},
  ).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Guichet API',
      version: '1',
      description:
        'Agents book video appointments; citizens receive a link by email or SMS. ' +
        'Authenticate with `Authorization: Bearer <agent JWT>` (claims: sub, name, role, exp).',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { agentJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ agentJwt: [] }],
    paths: {
      '/api/v1/appointments': {
        post: {
          summary: 'Book an appointment',
          parameters: [idempotencyKey],
          requestBody: { required: true, content: json(CreateAppointmentBodySchema, 'input') },
          responses: {
            '201': {
              description: 'Booked (or, for a retried Idempotency-Key, the first booking)',
              content: json(AppointmentViewSchema),
            },
            '422': { description: 'IDEMPOTENCY_KEY_REUSED', content: json(ErrorSchema) },
            ...errors,
          },
        },
        get: {
          summary: "List appointments (an agent's own; all for admins), by start time",
          parameters: queryParams,
          responses: {
            '200': {
              description: 'Appointments',
              content: json(z.object({ items: z.array(AppointmentViewSchema) })),
            },
            ...errors,
          },
        },
      },
      '/api/v1/appointments/{id}': {
        parameters: idParam,
        get: {
          summary: 'Read an appointment, with the status of each notification',
          responses: {
            '200': { description: 'The appointment', content: json(AppointmentViewSchema) },
            ...errors,
            ...notFound,
          },
        },
        patch: {
          summary: 'Change an appointment; a new time sends a notice and re-arms the reminder',
          requestBody: { required: true, content: json(PatchAppointmentBodySchema, 'input') },
          responses: {
            '200': { description: 'Updated', content: json(AppointmentViewSchema) },
            ...errors,
            ...notFound,
          },
        },
        delete: {
          summary: 'Cancel an appointment; the citizen is told',
          responses: {
            '200': { description: 'Cancelled', content: json(AppointmentViewSchema) },
            ...errors,
            ...notFound,
          },
        },
      },
      '/api/v1/appointments/{id}/audit': {
        parameters: idParam,
        get: {
          summary: 'The audit trail: who did what, when (no personal data)',
          responses: {
            '200': {
              description: 'Events, oldest first',
              content: json(z.object({ events: z.array(AuditEventViewSchema) })),
            },
            ...errors,
            ...notFound,
          },
        },
      },
      '/api/v1/outbox': {
        get: {
          summary: 'Messages kept instead of sent (no SMTP or SMS gateway configured)',
          responses: {
            '200': {
              description: 'Messages',
              content: json(z.object({ messages: z.array(OutboxMessageViewSchema) })),
            },
            ...errors,
          },
        },
      },
      '/api/v1/rooms': {
        post: {
          summary: 'Create an ad-hoc room (no appointment)',
          requestBody: { required: false, content: json(CreateRoomBodySchema, 'input') },
          responses: {
            '201': {
              description: 'Created',
              content: json(z.object({ roomId: z.string(), password: z.string(), joinUrl: z.string() })),
            },
            ...errors,
          },
        },
      },
    },
  };
}
