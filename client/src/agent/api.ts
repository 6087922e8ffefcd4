import * as z from 'zod';
import {
  AgendaSchema,
  FeedViewSchema,
  ResendViewSchema,
  SessionViewSchema,
  SignInOptionsSchema,
  type AgendaItem,
  type FeedView,
  type SessionView,
  type SignInOptions,
} from '../../../signaling/protocol/console.js';
import {
  AppointmentViewSchema,
  AuditEventViewSchema,
  OutboxMessageViewSchema,
  type AppointmentView,
} from '../../../signaling/protocol/index.js';

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** A refused call, with the server's stable code and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type AuditEventView = z.infer<typeof AuditEventViewSchema>;
export type OutboxMessageView = z.infer<typeof OutboxMessageViewSchema>;

/**
 * The console's calls, with its session cookie (same origin) and the CSRF
 * token on every change. A 401 means the session is gone: `onSignedOut`
 * sends the page back to sign-in (what is being typed is kept by the form).
 */
export class ConsoleApi {
  #csrf = '';

  constructor(private readonly onSignedOut: () => void) {}

  set csrfToken(token: string) {
    this.#csrf = token;
  }

  async #call<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      // The page's no-referrer policy would make a POST's Origin "null"; our server checks it.
      referrerPolicy: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(method === 'GET' ? {} : { 'x-csrf-token': this.#csrf }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(json);
      const error = parsed.success
        ? new ApiError(
            response.status,
            parsed.data.error.code,
            parsed.data.error.message,
            parsed.data.error.fields,
          )
        : new ApiError(response.status, 'INTERNAL', `HTTP ${response.status}`);
      if (response.status === 401 && path !== '/api/v1/session') this.onSignedOut();
      throw error;
    }
    return schema.parse(json);
  }

  options(): Promise<SignInOptions> {
    return this.#call(SignInOptionsSchema, 'GET', '/api/v1/session/options');
  }

  session(): Promise<SessionView> {
    return this.#call(SessionViewSchema, 'GET', '/api/v1/session');
  }

  signIn(id: string, password: string): Promise<SessionView> {
    return this.#call(SessionViewSchema, 'POST', '/api/v1/session', { id, password });
  }

  async signOut(): Promise<void> {
    await this.#call(z.null(), 'DELETE', '/api/v1/session');
  }

  async agenda(from: Date, to: Date): Promise<AgendaItem[]> {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return (await this.#call(AgendaSchema, 'GET', `/api/v1/console/agenda?${query.toString()}`)).items;
  }

  book(body: unknown): Promise<AppointmentView> {
    return this.#call(AppointmentViewSchema, 'POST', '/api/v1/appointments', body);
  }

  reschedule(id: string, body: unknown): Promise<AppointmentView> {
    return this.#call(AppointmentViewSchema, 'PATCH', `/api/v1/appointments/${encodeURIComponent(id)}`, body);
  }

  cancel(id: string): Promise<AppointmentView> {
    return this.#call(AppointmentViewSchema, 'DELETE', `/api/v1/appointments/${encodeURIComponent(id)}`);
  }

  async resend(id: string): Promise<number> {
    return (
      await this.#call(ResendViewSchema, 'POST', `/api/v1/appointments/${encodeURIComponent(id)}/resend`)
    ).queued;
  }

  async audit(id: string): Promise<AuditEventView[]> {
    const schema = z.object({ events: z.array(AuditEventViewSchema) });
    return (await this.#call(schema, 'GET', `/api/v1/appointments/${encodeURIComponent(id)}/audit`)).events;
  }

  async outbox(): Promise<OutboxMessageView[]> {
    const schema = z.object({ messages: z.array(OutboxMessageViewSchema) });
    return (await this.#call(schema, 'GET', '/api/v1/outbox?limit=50')).messages;
  }

  feed(): Promise<FeedView> {
    return this.#call(FeedViewSchema, 'GET', '/api/v1/console/feed');
  }

  createFeed(): Promise<FeedView> {
    return this.#call(FeedViewSchema, 'POST', '/api/v1/console/feed');
  }

  async revokeFeed(): Promise<void> {
    await this.#call(z.null(), 'DELETE', '/api/v1/console/feed');
  }
}
