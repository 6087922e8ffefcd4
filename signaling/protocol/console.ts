import * as z from 'zod';
import { AppointmentViewSchema } from './appointments.js';

/*
 * The agent console's REST bodies and answers (signaling/http/session-routes.ts,
 * console-routes.ts), shared with the console page (client/src/agent).
 */

export const AgentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'admin']),
});

export const LocalSignInBodySchema = z
  .object({
    id: z.string().min(1, 'your identifier').max(128),
    password: z.string().min(1, 'your password').max(1024),
  })
  .strict();

export const SessionViewSchema = z.object({
  agent: AgentViewSchema,
  via: z.enum(['local', 'oidc']),
  /** Sent back in the X-CSRF-Token header on every change. */
  csrfToken: z.string(),
  expiresAt: z.string().describe('ISO 8601, UTC'),
});
export type SessionView = z.infer<typeof SessionViewSchema>;

export const SignInOptionsSchema = z.object({
  local: z.boolean(),
  /** The OpenID provider's button, when one is configured. */
  oidc: z.object({ label: z.string(), url: z.string() }).nullable(),
});
export type SignInOptions = z.infer<typeof SignInOptionsSchema>;

export const AgendaQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .strict();

export const AgendaItemSchema = AppointmentViewSchema.extend({
  /** When the citizen (or another guest) started knocking, if someone waits in the lobby now. */
  waitingSince: z.string().nullable(),
});
export type AgendaItem = z.infer<typeof AgendaItemSchema>;

export const AgendaSchema = z.object({ items: z.array(AgendaItemSchema) });

export const FeedViewSchema = z.object({
  active: z.boolean(),
  /** Only in the answer that creates it: the store keeps a digest, so it cannot be shown again. */
  url: z.string().nullable(),
});
export type FeedView = z.infer<typeof FeedViewSchema>;

export const ResendViewSchema = z.object({ queued: z.number().int() });
