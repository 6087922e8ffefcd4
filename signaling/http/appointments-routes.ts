import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppointmentService } from '../appointments/appointment-service.js';
import type { SecretBox } from '../appointments/sealed-secret.js';
import type { AgentAuth } from '../auth/agent-auth.js';
import type { AuthenticateAgent } from './console-auth.js';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  AppointmentIdParamsSchema,
  CreateAppointmentBodySchema,
  ListAppointmentsQuerySchema,
  PatchAppointmentBodySchema,
} from '../protocol/index.js';
import type { Store } from '../store/store.js';
import { parseOrThrow } from '../validation.js';

export interface AppointmentsRoutesDeps {
  appointments: AppointmentService;
  agents: AgentAuth;
  store: Store;
  secrets: SecretBox;
  /** Bearer JWT or console session (signaling/http/console-auth.ts); bearer only when absent. */
  authenticate?: AuthenticateAgent;
}

const OutboxQuerySchema = z
  .object({
    appointmentId: z.string().uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** The agents' REST API for appointments. Every route needs an agent bearer token or a console session. */
export function registerAppointmentsRoutes(app: FastifyInstance, deps: AppointmentsRoutesDeps): void {
  const { appointments, agents, store, secrets } = deps;
  const authenticate: AuthenticateAgent =
    deps.authenticate ?? (async (request) => agents.verifyHeader(request.headers.authorization));

  app.post('/api/v1/appointments', async (request, reply) => {
    const agent = await authenticate(request);
    const body = parseOrThrow(CreateAppointmentBodySchema, request.body ?? {}, 'VALIDATION_FAILED');
    const key = idempotencyKeyOf(request.headers['idempotency-key']);
    return reply.status(201).send(await appointments.book(agent, body, key));
  });

  app.get('/api/v1/appointments', async (request) => {
    const agent = await authenticate(request);
    const query = parseOrThrow(ListAppointmentsQuerySchema, request.query, 'VALIDATION_FAILED');
    const items = await appointments.list(agent, {
      limit: query.limit,
      ...(query.from ? { from: Date.parse(query.from) } : {}),
      ...(query.to ? { to: Date.parse(query.to) } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return { items };
  });

  app.get('/api/v1/appointments/:id', async (request) => {
    const agent = await authenticate(request);
    return appointments.get(agent, idOf(request.params));
  });

  app.patch('/api/v1/appointments/:id', async (request) => {
    const agent = await authenticate(request);
    const id = idOf(request.params);
    const body = parseOrThrow(PatchAppointmentBodySchema, request.body ?? {}, 'VALIDATION_FAILED');
    return appointments.patch(agent, id, body);
  });

  app.delete('/api/v1/appointments/:id', async (request) => {
    const agent = await authenticate(request);
    return appointments.cancel(agent, idOf(request.params));
  });

  app.get('/api/v1/appointments/:id/audit', async (request) => {
    const agent = await authenticate(request);
    const view = await appointments.get(agent, idOf(request.params));
    const events = await store.listAudit(view.id);
    return {
      events: events.map((e) => ({
        at: new Date(e.at).toISOString(),
        type: e.type,
        actor: e.actor,
        detail: e.detail,
      })),
    };
  });

  /** Messages kept instead of sent when no SMTP/SMS is configured: nothing is silently lost. */
  app.get('/api/v1/outbox', async (request) => {
    const agent = await authenticate(request);
    const query = parseOrThrow(OutboxQuerySchema, request.query, 'VALIDATION_FAILED');
    const messages = await store.listOutbox({
      limit: query.limit,
      ...(agent.role === 'admin' ? {} : { agentId: agent.id }),
      ...(query.appointmentId ? { appointmentId: query.appointmentId } : {}),
    });
    return {
      messages: messages.map((m) => ({
        ...m,
        text: openOutboxText(secrets, m.text),
        createdAt: new Date(m.createdAt).toISOString(),
      })),
    };
  });
}

/** A sealed outbox text, opened; '' once erased; a text stored in clear by an older version, as it is. */
function openOutboxText(secrets: SecretBox, stored: string): string {
  if (stored === '' || !stored.startsWith('v1.')) return stored;
  return secrets.open(stored);
}

/** Printable, bounded: a UUID, a ULID or any client token fits; nothing that could break a store key. */
const IdempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);

/** The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header), or null without one. */
function idempotencyKeyOf(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const parsed = IdempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new ValidationError('VALIDATION_FAILED', 'bad Idempotency-Key header', [
      { path: 'Idempotency-Key', message: 'one value of 1 to 128 characters among A-Z a-z 0-9 _ . : -' },
    ]);
  }
  return parsed.data;
}

/** A malformed id is simply not found: 404, like another agent's appointment. */
function idOf(params: unknown): string {
  const parsed = AppointmentIdParamsSchema.safeParse(params);
  if (!parsed.success) throw new NotFoundError('NOT_FOUND', 'no such appointment');
  return parsed.data.id;
}
