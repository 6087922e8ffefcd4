import * as z from 'zod';
import { DialInInfoSchema } from './dial-in.js';

/*
 * What the page shows around the call (issue 16), from
 * `GET /r/<room>/info?t=<token>`: which service, which agent, when, the
 * booking's name for whoever holds the link (to pre-fill the form), and the
 * file reference the agent chose to show the citizen. Only ever given to the
 * holder of a valid one-click link (signaling/appointments/room-page.ts);
 * the browser parses it with this schema before showing any of it.
 */

/** The longest file reference an agent may show (« Dossier 2026-0042 »). */
export const MAX_REFERENCE_CHARS = 64;

export const RoomInfoSchema = z.object({
  role: z.enum(['host', 'citizen']),
  serviceName: z.string().max(200),
  agentName: z.string().max(200),
  displayName: z.string().max(200),
  /** ISO 8601. */
  startsAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().positive(),
  timeZone: z.string().max(64),
  /** The reference shown to the citizen, or null when the agent chose none. */
  reference: z.string().max(MAX_REFERENCE_CHARS).nullable(),
  /** Where to call and the PIN: the citizen's link only, and only with DIAL_IN_NUMBERS set. */
  dialIn: DialInInfoSchema.optional(),
});
export type RoomInfo = z.infer<typeof RoomInfoSchema>;
