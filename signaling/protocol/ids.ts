import * as z from 'zod';

/**
 * Branded ids: a RoomId can't be passed where a PeerId is expected.
 * Room ids are short, URL-safe and unguessable (see signaling/rooms/ids).
 */
export const RoomIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{6,64}$/, 'room id: 6 to 64 lowercase letters, digits or dashes')
  .brand<'RoomId'>();
export type RoomId = z.infer<typeof RoomIdSchema>;

export const PeerIdSchema = z.string().min(1).max(64).brand<'PeerId'>();
export type PeerId = z.infer<typeof PeerIdSchema>;

/** mediasoup object ids (transport, producer, consumer): UUIDs generated server-side. */
export const MediaIdSchema = z.string().uuid();
