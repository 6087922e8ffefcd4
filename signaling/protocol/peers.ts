import * as z from 'zod';
import { MediaIdSchema, PeerIdSchema } from './ids.js';
import { DtlsParametersSchema, MediaKindSchema, MediaSourceSchema } from './rtp.js';

/*
 * Shapes the server sends about people and transports. Objects are not
 * strict: a newer server may add fields, and an older client drops them.
 * Every array and string is bounded, so a bad answer can't flood a page.
 */

export const RoleSchema = z.enum(['host', 'guest']);
export type Role = z.infer<typeof RoleSchema>;

export const PeerStateSchema = z.enum(['lobby', 'admitted']);
export type PeerState = z.infer<typeof PeerStateSchema>;

/** How the person came in: a browser, or a phone call through the SIP gateway. */
export const ParticipantKindSchema = z.enum(['web', 'phone']);
export type ParticipantKind = z.infer<typeof ParticipantKindSchema>;

export const ProducerInfoSchema = z.object({
  producerId: MediaIdSchema,
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfoSchema>;

export const PeerInfoSchema = z.object({
  peerId: PeerIdSchema,
  displayName: z.string().max(256),
  role: RoleSchema,
  state: PeerStateSchema,
  /** Absent from older servers: a browser. */
  kind: ParticipantKindSchema.default('web'),
  producers: z.array(ProducerInfoSchema).max(16),
});
export type PeerInfo = z.infer<typeof PeerInfoSchema>;
export const PeersSchema = z.array(PeerInfoSchema).max(256);

export const IceServerSchema = z.object({
  urls: z.array(z.string().max(512)).max(8),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});
export type IceServer = z.infer<typeof IceServerSchema>;

export const IceParametersSchema = z.object({
  usernameFragment: z.string().max(256),
  password: z.string().max(256),
  iceLite: z.boolean().optional(),
});

/** What the server sends for a new WebRTC transport: plain data, echoed into mediasoup-client. */
export const TransportOptionsSchema = z.object({
  id: MediaIdSchema,
  iceParameters: IceParametersSchema,
  iceCandidates: z
    .array(
      z.object({
        foundation: z.string().max(64),
        priority: z.number().int().nonnegative(),
        address: z.string().max(256),
        ip: z.string().max(256).optional(),
        protocol: z.enum(['udp', 'tcp']),
        port: z.number().int().min(0).max(65535),
        type: z.enum(['host', 'srflx', 'prflx', 'relay']),
        tcpType: z.enum(['active', 'passive', 'so']).optional(),
      }),
    )
    .max(32),
  // No sctpParameters: Guichet opens no data channels.
  dtlsParameters: DtlsParametersSchema,
});
export type TransportOptions = z.infer<typeof TransportOptionsSchema>;
