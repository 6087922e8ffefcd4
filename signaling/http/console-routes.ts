import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppointmentService } from '../appointments/appointment-service.js';
import { resendInvitation } from '../appointments/resend-invitation.js';
import { digestOf } from '../auth/sessions.js';
import { buildAgentFeed } from '../console/ics-feed.js';
import { waitingSince } from '../console/waiting.js';
import { NotFoundError } from '../errors.js';
import { AppointmentIdParamsSchema } from '../protocol/index.js';
import { AgendaQuerySchema, type AgendaItem, type FeedView } from '../protocol/console.js';
import type { AccountStore } from '../store/account-store.js';
import type { Store } from '../store/store.js';
import { parseOrThrow } from '../validation.js';
import type { AuthenticateAgent } from './console-auth.js';

export interface ConsoleRoutesDeps {
  authenticate: AuthenticateAgent;
  appointments: AppointmentService;
  store: Store;
  accounts: AccountStore;
  clientDir: string;
  publicUrl: () => string;
  clock: () => number;
}

const DAY = 24 * 60 * 60_000;
/** The token travels in the query, which the logs never keep (as one-click links do). */
const FeedQuerySchema = z.object({ t: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/** The agent console: its page, the agenda it polls, resend, and the agent's calendar feed. */
export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRoutesDeps): void {
  const { authenticate, appointments, store, accounts } = deps;
  const built = existsSync(join(deps.clientDir, 'agent.html'));

  app.get('/agent', async (_request, reply) =>
    built
      ? reply.header('cache-control', 'no-store').sendFile('agent.html')
      : reply.status(503).send('client not built'),
  );

  /** Appointments in [from, to) with who is knocking now; the console polls it. */
  app.get('/api/v1/console/agenda', async (request, reply) => {
    const agent = await authenticate(request);
    const query = parseOrThrow(AgendaQuerySchema, request.query, 'VALIDATION_FAILED');
    const views = await appointments.list(agent, {
      from: Date.parse(query.from),
      to: Date.parse(query.to),
      limit: 500,
    });
    const now = deps.clock();
    const items: AgendaItem[] = await Promise.all(
      views.map(async (view) => {
        // Only a room whose window is open can have someone in its lobby.
        const open =
          Date.parse(view.access.citizenOpensAt) <= now && now < Date.parse(view.access.citizenClosesAt);
        const since =
          open && view.status !== 'cancelled' ? waitingSince(await store.listAudit(view.id)) : null;
        return { ...view, waitingSince: since === null ? null : new Date(since).toISOString() };
      }),
    );
    reply.header('cache-control', 'no-store');
    return { items };
  });

  app.post('/api/v1/appointments/:id/resend', async (request) => {
    const agent = await authenticate(request);
    const parsed = AppointmentIdParamsSchema.safeParse(request.params);
    if (!parsed.success) throw new NotFoundError('NOT_FOUND', 'no such appointment');
    // Ownership first (another agent's appointment is a 404), then the record itself.
    await appointments.get(agent, parsed.data.id);
    const record = await store.getAppointment(parsed.data.id);
    if (!record) throw new NotFoundError('NOT_FOUND', 'no such appointment');
    return { queued: await resendInvitation(store, agent, record, deps.clock()) };
  });

  app.get('/api/v1/console/feed', async (request): Promise<FeedView> => {
    const agent = await authenticate(request);
    return { active: await accounts.hasFeedToken(agent.id), url: null };
  });

  /** A new secret feed URL; the previous one stops working. */
  app.post('/api/v1/console/feed', async (request, reply) => {
    const agent = await authenticate(request);
    const token = randomBytes(32).toString('base64url');
    await accounts.setFeedToken(agent.id, digestOf(token));
    const view: FeedView = { active: true, url: `${deps.publicUrl()}/agent/feed.ics?t=${token}` };
    return reply.status(201).header('cache-control', 'no-store').send(view);
  });

  app.delete('/api/v1/console/feed', async (request, reply) => {
    const agent = await authenticate(request);
    await accounts.setFeedToken(agent.id, null);
    return reply.status(204).send();
  });

  /** The calendar application fetches this with no cookie: the unguessable token is the credential. */
  app.get('/agent/feed.ics', async (request, reply) => {
    const query = FeedQuerySchema.safeParse(request.query);
    const agentId = query.success ? await accounts.feedAgent(digestOf(query.data.t)) : null;
    if (!agentId) throw new NotFoundError('NOT_FOUND', 'no such calendar');
    const now = deps.clock();
    // The agent's own appointments only, even for an admin.
    const views = await appointments.list(
      { id: agentId, name: agentId, role: 'agent' },
      { from: now - 30 * DAY, to: now + 366 * DAY, limit: 500 },
    );
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        buildAgentFeed(views, {
          host: new URL(deps.publicUrl()).host,
          calendarName: 'Guichet',
          now: new Date(now),
        }),
      );
  });
}
