import * as z from 'zod';
import { PinSchema } from './credentials.js';
import { MediaIdSchema, RoomIdSchema } from './ids.js';

/*
 * The phone gateway's way from a PIN to a room: a caller only has the PIN,
 * and `join` names a room. Any node answers (a store lookup); the gateway
 * then joins with `{ kind: 'service', token, pin }` and follows
 * ROOM_ELSEWHERE to the room's owner like the browser does. The route takes
 * the service token as `Authorization: Bearer`; an unknown PIN and a wrong
 * one get the same WRONG_PASSWORD answer.
 */

export const DIAL_IN_RESOLVE_PATH = '/api/v1/dial-in/resolve';

export const DialInResolveBodySchema = z.object({ pin: PinSchema }).strict();
export type DialInResolveBody = z.infer<typeof DialInResolveBodySchema>;

export const DialInAccessSchema = z.enum(['open', 'early', 'closed']);

export const DialInResolutionSchema = z.object({
  roomId: RoomIdSchema,
  /** ISO 8601: the appointment's start, and when the citizen's window opens. */
  startsAt: z.iso.datetime({ offset: true }),
  opensAt: z.iso.datetime({ offset: true }),
  /** The citizen's access window now: 'early' (call back from opensAt), 'open', 'closed'. */
  access: DialInAccessSchema,
  status: z.enum(['scheduled', 'open', 'in_progress', 'ended', 'cancelled', 'no_show']),
});
export type DialInResolution = z.infer<typeof DialInResolutionSchema>;

/** What the phone gateway's plain RTP leg asks for: comedia (the worker answers where our RTP comes from) or a fixed address. */
export const CreatePlainTransportRequestSchema = z.union([
  z.object({ comedia: z.literal(true) }).strict(),
  z
    .object({
      remote: z
        .object({ ip: z.union([z.ipv4(), z.ipv6()]), port: z.number().int().min(1).max(65535) })
        .strict(),
    })
    .strict(),
]);

export const PlainTransportResultSchema = z.object({
  id: MediaIdSchema,
  /** Where the gateway sends its RTP (RTCP muxed on the same port). */
  ip: z.string().min(1).max(256),
  port: z.number().int().min(1).max(65535),
});
export type PlainTransportResult = z.infer<typeof PlainTransportResultSchema>;
