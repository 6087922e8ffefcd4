import * as z from 'zod';
import { DisplayNameSchema } from './messages.js';
import { MAX_REFERENCE_CHARS } from './room-info.js';

/*
 * REST bodies for appointments (POST/PATCH /api/v1/appointments). Only the
 * shape is checked here; rules that need the clock (not in the past) live
 * in the appointments domain.
 */

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const E164Schema = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, 'phone number in E.164 form, e.g. +33612345678');

export const CitizenSchema = z
  .object({
    displayName: DisplayNameSchema,
    email: z.email('invalid email address').max(254, 'email longer than 254 characters').optional(),
    phone: E164Schema.optional(),
  })
  .strict();

export const ChannelSchema = z.enum(['email', 'sms']);
export const LocaleSchema = z.enum(['fr', 'en']);

const StartsAtSchema = z.iso.datetime({
  offset: true,
  message: 'ISO 8601 date and time with an offset, e.g. 2026-12-03T14:30:00+01:00',
});
const DurationSchema = z
  .number({ message: 'duration in minutes' })
  .int('whole minutes')
  .min(5, 'at least 5 minutes')
  .max(480, 'at most 480 minutes (8 hours)');
const TimeZoneSchema = z.string().max(64).refine(isTimeZone, 'unknown IANA time zone, e.g. Europe/Paris');
const NoteSchema = z.string().trim().max(1000, 'note longer than 1000 characters');
/**
 * The file reference shown to the citizen on every screen of the call (the
 * note stays the agent's own). One short line: no control characters.
 */
const CitizenReferenceSchema = z
  .string()
  .trim()
  .min(1, 'empty reference; leave it out to show none')
  .max(MAX_REFERENCE_CHARS, `reference longer than ${MAX_REFERENCE_CHARS} characters`)
  .regex(/^[^\p{Cc}]+$/u, 'reference has control characters');

const channelsMatchContacts = (
  v: {
    channels?: ('email' | 'sms')[] | undefined;
    citizen?: { email?: string | undefined; phone?: string | undefined } | undefined;
  },
  ctx: z.RefinementCtx,
): void => {
  if (!v.channels || !v.citizen) return;
  if (v.channels.includes('email') && !v.citizen.email) {
    ctx.addIssue({ code: 'custom', path: ['citizen', 'email'], message: 'required for the email channel' });
  }
  if (v.channels.includes('sms') && !v.citizen.phone) {
    ctx.addIssue({ code: 'custom', path: ['citizen', 'phone'], message: 'required for the sms channel' });
  }
};

const ChannelsSchema = z
  .array(ChannelSchema)
  .min(1, 'at least one channel')
  .max(2)
  .refine((list) => new Set(list).size === list.length, 'channels must not repeat');

export const CreateAppointmentBodySchema = z
  .object({
    startsAt: StartsAtSchema,
    durationMinutes: DurationSchema,
    citizen: CitizenSchema,
    channels: ChannelsSchema,
    locale: LocaleSchema.default('fr'),
    timeZone: TimeZoneSchema.default('Europe/Paris'),
    note: NoteSchema.optional(),
    citizenReference: CitizenReferenceSchema.optional(),
  })
  .strict()
  .superRefine(channelsMatchContacts);
export type CreateAppointmentBody = z.infer<typeof CreateAppointmentBodySchema>;

export const PatchAppointmentBodySchema = z
  .object({
    startsAt: StartsAtSchema.optional(),
    durationMinutes: DurationSchema.optional(),
    citizen: CitizenSchema.partial().strict().optional(),
    channels: ChannelsSchema.optional(),
    locale: LocaleSchema.optional(),
    timeZone: TimeZoneSchema.optional(),
    note: NoteSchema.nullable().optional(),
    citizenReference: CitizenReferenceSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type PatchAppointmentBody = z.infer<typeof PatchAppointmentBodySchema>;

export const ListAppointmentsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    status: z.enum(['scheduled', 'open', 'in_progress', 'ended', 'cancelled', 'no_show']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const AppointmentIdParamsSchema = z.object({ id: z.string().uuid('unknown appointment') }).strict();

/*
 * Response shapes, as schemas too: the OpenAPI document is generated from
 * them, and tests parse real answers with them.
 */
const Iso = z.string().describe('ISO 8601, UTC');

export const NotificationViewSchema = z.object({
  kind: z.enum(['invitation', 'reminder', 'rescheduled', 'cancelled']),
  channel: ChannelSchema,
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  dueAt: Iso,
  attempts: z.number().int(),
  sentAt: Iso.nullable(),
  lastError: z.string().nullable(),
});
export type NotificationView = z.infer<typeof NotificationViewSchema>;

export const AppointmentViewSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  status: z.enum(['scheduled', 'open', 'in_progress', 'ended', 'cancelled', 'no_show']),
  startsAt: Iso,
  endsAt: Iso,
  durationMinutes: z.number().int(),
  timeZone: z.string(),
  locale: LocaleSchema,
  citizen: z.object({ displayName: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
  channels: z.array(ChannelSchema),
  note: z.string().nullable(),
  citizenReference: z.string().nullable().describe('the file reference shown to the citizen, or null'),
  agent: z.object({ id: z.string(), name: z.string() }),
  links: z.object({
    agent: z.string().describe("the agent's one-click link (host)"),
    citizen: z.string().describe("the citizen's one-click link, valid in the access window only"),
  }),
  password: z.string().describe('the room password, for people who type it'),
  dialIn: z.object({ pin: z.string(), number: z.string().nullable() }),
  access: z.object({ citizenOpensAt: Iso, citizenClosesAt: Iso }),
  notifications: z.array(NotificationViewSchema),
  createdAt: Iso,
  updatedAt: Iso,
});
export type AppointmentView = z.infer<typeof AppointmentViewSchema>;

export const AuditEventViewSchema = z.object({
  at: Iso,
  type: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export const OutboxMessageViewSchema = z.object({
  id: z.string(),
  appointmentId: z.string(),
  agentId: z.string(),
  channel: ChannelSchema,
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  createdAt: Iso,
});
