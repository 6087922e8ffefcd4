import * as z from 'zod';
import { CredentialSchema } from './credentials.js';
import { CreatePlainTransportRequestSchema } from './dial-in.js';
import { MediaIdSchema, PeerIdSchema, RoomIdSchema } from './ids.js';
import {
  AdmitRequestSchema,
  ChatRequestSchema,
  LobbyPreviewRequestSchema,
  LockRoomRequestSchema,
  MutePeerRequestSchema,
  RefuseRequestSchema,
  RemovePeerRequestSchema,
  RequestDocumentSchema,
  VerifyIdentityRequestSchema,
} from './room-control.js';
import {
  DtlsParametersSchema,
  MediaKindSchema,
  MediaSourceSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
} from './rtp.js';

/*
 * Client → server requests. Each name has the schema of what the client
 * sends (here) and the schema of what the ack carries back in
 * `{ ok: true, data }` (results.ts, RESULT_SCHEMAS). Every request schema is
 * strict: unknown keys are a protocol error, not ignored.
 */

/** Longest socket message the server will parse, in UTF-16 code units of its JSON. */
export const MAX_MESSAGE_CHARS = 32 * 1024;

export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'display name is empty')
  .max(64, 'display name is longer than 64 characters')
  // Control characters would let a name break the UI or the logs.
  .regex(/^[^\p{Cc}]+$/u, 'display name has control characters');

export const TransportDirectionSchema = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirectionSchema>;

export const JoinRequestSchema = z
  .object({
    roomId: RoomIdSchema,
    displayName: DisplayNameSchema,
    password: z.string().min(1).max(128).optional(),
    token: z.string().min(1).max(4096).optional(),
    /** Any credential of the union (a PIN, a service): for clients other than the browser. */
    credential: CredentialSchema.optional(),
    /** Coming back after a dropped connection: same peer, same place (no lobby again). */
    resume: z
      .object({ peerId: PeerIdSchema, secret: z.string().min(16).max(64) })
      .strict()
      .optional(),
    /**
     * Transports to create in the same round trip (admitted peers only; a
     * peer that starts in the lobby gets none and asks with createTransport
     * once admitted).
     */
    transports: z
      .array(TransportDirectionSchema)
      .max(2)
      .refine((v) => new Set(v).size === v.length, 'each direction at most once')
      .optional(),
  })
  .strict()
  .refine(
    (v) => v.password !== undefined || v.token !== undefined || v.credential !== undefined || v.resume,
    { message: 'a password, a token or a credential is required', path: ['password'] },
  );
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

export const EmptyRequestSchema = z.object({}).strict();

export const CreateTransportRequestSchema = z.object({ direction: TransportDirectionSchema }).strict();
export type CreateTransportRequest = z.infer<typeof CreateTransportRequestSchema>;

export const ConnectTransportRequestSchema = z
  .object({ transportId: MediaIdSchema, dtlsParameters: DtlsParametersSchema })
  .strict();

export const RestartIceRequestSchema = z.object({ transportId: MediaIdSchema }).strict();

export const ProduceRequestSchema = z
  .object({
    transportId: MediaIdSchema,
    kind: MediaKindSchema,
    rtpParameters: RtpParametersSchema,
    source: MediaSourceSchema,
    paused: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.kind === 'audio') === (v.source === 'mic'), {
    message: 'audio comes from the mic source, video from camera or screen',
    path: ['source'],
  });

export const ConsumeRequestSchema = z
  .object({
    transportId: MediaIdSchema,
    producerId: MediaIdSchema,
    rtpCapabilities: RtpCapabilitiesSchema,
  })
  .strict();

export const ConsumerRequestSchema = z.object({ consumerId: MediaIdSchema }).strict();
export const ProducerRequestSchema = z.object({ producerId: MediaIdSchema }).strict();

/** Receivers ask for the simulcast layer that fits their tile. */
export const PreferredLayersRequestSchema = z
  .object({
    consumerId: MediaIdSchema,
    spatialLayer: z.number().int().min(0).max(3),
    temporalLayer: z.number().int().min(0).max(3).optional(),
  })
  .strict();

/**
 * The request table: event name → [request schema, result type]. The
 * gateway registers exactly these; the client's typed `request()` uses the
 * same names, so a typo is a compile error on both sides.
 */
export const REQUEST_SCHEMAS = {
  join: JoinRequestSchema,
  routerCapabilities: EmptyRequestSchema,
  createTransport: CreateTransportRequestSchema,
  /** The phone gateway only (members of kind 'phone'): an Opus RTP leg, no ICE or DTLS. */
  createPlainTransport: CreatePlainTransportRequestSchema,
  connectTransport: ConnectTransportRequestSchema,
  restartIce: RestartIceRequestSchema,
  produce: ProduceRequestSchema,
  pauseProducer: ProducerRequestSchema,
  resumeProducer: ProducerRequestSchema,
  closeProducer: ProducerRequestSchema,
  consume: ConsumeRequestSchema,
  resumeConsumer: ConsumerRequestSchema,
  pauseConsumer: ConsumerRequestSchema,
  setPreferredLayers: PreferredLayersRequestSchema,
  leave: EmptyRequestSchema,
  admit: AdmitRequestSchema,
  refuse: RefuseRequestSchema,
  removePeer: RemovePeerRequestSchema,
  mutePeer: MutePeerRequestSchema,
  lockRoom: LockRoomRequestSchema,
  endMeeting: EmptyRequestSchema,
  requestDocument: RequestDocumentSchema,
  verifyIdentity: VerifyIdentityRequestSchema,
  lobbyPreview: LobbyPreviewRequestSchema,
  chat: ChatRequestSchema,
  invite: EmptyRequestSchema,
} as const;

export type RequestName = keyof typeof REQUEST_SCHEMAS;

export type RequestPayload<N extends RequestName> = z.input<(typeof REQUEST_SCHEMAS)[N]>;
