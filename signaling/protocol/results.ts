import * as z from 'zod';
import { PlainTransportResultSchema } from './dial-in-resolve.js';
import { ERROR_CODES } from './errors.js';
import { MediaIdSchema, PeerIdSchema } from './ids.js';
import {
  IceParametersSchema,
  IceServerSchema,
  PeerStateSchema,
  PeersSchema,
  RoleSchema,
  TransportOptionsSchema,
} from './peers.js';
import { MediaKindSchema, MediaSourceSchema, RtpCapabilitiesSchema, RtpParametersSchema } from './rtp.js';

/*
 * What the server answers to each request, as schemas: the server's types
 * are inferred from them, and every client (the browser, the test helpers,
 * the phone gateway) parses the ack's `data` with the same one before
 * reading it.
 */

/** An unknown code from a newer server still shows the generic message. */
export const ErrorCodeSchema = z.enum(ERROR_CODES).catch('INTERNAL');

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string().max(1024),
  fields: z
    .array(z.object({ path: z.string().max(256), message: z.string().max(512) }))
    .max(64)
    .optional(),
  /** ROOM_ELSEWHERE: the owner node's address, where the client goes by itself. */
  location: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  /** RATE_LIMITED, LOBBY_FULL, STORE_UNAVAILABLE: seconds until a retry may succeed. */
  retryAfterSeconds: z.number().min(0).max(86_400).optional(),
});

/** Every socket request is answered through its ack with exactly one of these. */
export const AckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorBodySchema }),
]);

/** What a `connect_error` carries when the server refuses the handshake. */
export const ConnectErrorDataSchema = z.object({ code: ErrorCodeSchema });

const Empty = z.unknown().transform((): Record<string, never> => ({}));

export const JoinResultSchema = z.object({
  peerId: PeerIdSchema,
  role: RoleSchema,
  /** 'lobby': wait for the host's `admitted` event; no media until then. */
  state: PeerStateSchema,
  /** Keep it: `join` with `resume: { peerId, secret }` after a dropped connection. */
  resumeSecret: z.string().max(128),
  routerRtpCapabilities: RtpCapabilitiesSchema,
  /** Admitted peers (and, for hosts, those knocking). Empty while in the lobby. */
  peers: PeersSchema,
  iceServers: z.array(IceServerSchema).max(8),
  locked: z.boolean(),
  /**
   * The transports asked for with `transports`, when they could be made now.
   * One missing (in the lobby, or the media plane said no) is asked for
   * later with createTransport.
   */
  transports: z
    .object({ send: TransportOptionsSchema.optional(), recv: TransportOptionsSchema.optional() })
    .optional(),
});
export type JoinResult = z.infer<typeof JoinResultSchema>;

export const ConsumeResultSchema = z.object({
  consumerId: MediaIdSchema,
  producerId: MediaIdSchema,
  peerId: z.string().min(1).max(64),
  kind: MediaKindSchema,
  rtpParameters: RtpParametersSchema,
  source: MediaSourceSchema,
});
export type ConsumerOptions = z.infer<typeof ConsumeResultSchema>;

/** One schema per request name: the answer's `data`. */
export const RESULT_SCHEMAS = {
  join: JoinResultSchema,
  routerCapabilities: z.object({ routerRtpCapabilities: RtpCapabilitiesSchema }),
  createTransport: TransportOptionsSchema,
  createPlainTransport: PlainTransportResultSchema,
  connectTransport: Empty,
  restartIce: z.object({ iceParameters: IceParametersSchema }),
  produce: z.object({ producerId: MediaIdSchema }),
  pauseProducer: Empty,
  resumeProducer: Empty,
  closeProducer: Empty,
  consume: ConsumeResultSchema,
  resumeConsumer: Empty,
  /** Stop receiving this stream for now (audio-only mode); resumeConsumer brings it back. */
  pauseConsumer: Empty,
  setPreferredLayers: Empty,
  leave: Empty,
  admit: Empty,
  refuse: Empty,
  removePeer: Empty,
  mutePeer: Empty,
  lockRoom: Empty,
  endMeeting: Empty,
  requestDocument: Empty,
  /** Guest: relayed to the hosts only. */
  documentState: Empty,
  verifyIdentity: Empty,
  lobbyPreview: Empty,
  chat: z.object({ at: z.string().max(64) }),
  /** Host: a link for another guest (an interpreter, a colleague); they knock like the citizen. */
  invite: z.object({ link: z.string().max(2048), needsPassword: z.boolean() }),
} as const;

export type RequestResults = { [N in keyof typeof RESULT_SCHEMAS]: z.output<(typeof RESULT_SCHEMAS)[N]> };

/** The same table, typed so that indexing it with a generic name keeps the link to that name's result. */
export const RESULT_PARSERS: { [N in keyof RequestResults]: z.ZodType<RequestResults[N]> } = RESULT_SCHEMAS;
