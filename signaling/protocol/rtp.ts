import * as z from 'zod';

/*
 * Schemas for the WebRTC parameters that cross the wire. They mirror
 * mediasoup's own types closely enough that a parsed value is assignable to
 * them without a cast, and they bound every array and string so a client
 * can't make the server chew on megabytes of "codecs".
 */

export const MediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

const shortText = z.string().max(256);
// Values stay `unknown` to match mediasoup's own type; the whole message is
// size-capped before parsing, and mediasoup checks each codec parameter itself.
const codecParameters = z.record(z.string().max(64), z.unknown());

export const RtcpFeedbackSchema = z.object({
  type: z.string().max(32),
  parameter: z.string().max(32).optional(),
});

export const HEADER_EXTENSION_URIS = [
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'urn:3gpp:video-orientation',
  'urn:ietf:params:rtp-hdrext:toffset',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
  'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
  // mediasoup's own (3.19.5+): offered in the router's capabilities.
  'urn:mediasoup:params:rtp-hdrext:packet-id',
] as const;
export type HeaderExtensionUri = (typeof HEADER_EXTENSION_URIS)[number];
const HeaderExtensionUriSchema = z.enum(HEADER_EXTENSION_URIS);

export const RtpCodecCapabilitySchema = z.object({
  kind: MediaKindSchema,
  mimeType: shortText,
  preferredPayloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(16).optional(),
});

export const RtpHeaderExtensionSchema = z.object({
  kind: MediaKindSchema,
  uri: HeaderExtensionUriSchema,
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilitiesSchema = z.object({
  codecs: z.array(RtpCodecCapabilitySchema).max(64).optional(),
  headerExtensions: z.array(RtpHeaderExtensionSchema).max(32).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilitiesSchema>;

export const RtpCodecParametersSchema = z.object({
  mimeType: shortText,
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(16).optional(),
});

export const RtpEncodingParametersSchema = z.object({
  ssrc: z.number().int().nonnegative().optional(),
  rid: z.string().max(32).optional(),
  codecPayloadType: z.number().int().min(0).max(127).optional(),
  rtx: z.object({ ssrc: z.number().int().nonnegative() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z.string().max(16).optional(),
  maxBitrate: z.number().positive().optional(),
});

export const RtpParametersSchema = z.object({
  mid: z.string().max(32).optional(),
  codecs: z.array(RtpCodecParametersSchema).min(1).max(16),
  headerExtensions: z
    .array(
      z.object({
        uri: HeaderExtensionUriSchema,
        id: z.number().int().min(1).max(255),
        encrypt: z.boolean().optional(),
        parameters: codecParameters.optional(),
      }),
    )
    .max(32)
    .optional(),
  encodings: z.array(RtpEncodingParametersSchema).max(4).optional(),
  rtcp: z.object({ cname: z.string().max(256).optional(), reducedSize: z.boolean().optional() }).optional(),
});
export type RtpParameters = z.infer<typeof RtpParametersSchema>;

export const DtlsParametersSchema = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.object({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().max(256),
      }),
    )
    .min(1)
    .max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParametersSchema>;

/** What a producer carries, so receivers can lay out tiles and pick layers. */
export const MediaSourceSchema = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;
