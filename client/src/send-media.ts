import type { types } from 'mediasoup-client';

/*
 * How this client sends. Camera video goes out as three simulcast layers so
 * the SFU can give each receiver what its link and tile can take.
 */

export const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

// Without a start bitrate the first seconds go out at the browser's minimum.
export const CAMERA_CODEC_OPTIONS: types.ProducerCodecOptions = { videoGoogleStartBitrate: 1000 };

// FEC keeps speech intelligible on lossy mobile links; DTX saves bandwidth in silences.
export const MIC_CODEC_OPTIONS: types.ProducerCodecOptions = { opusFec: true, opusDtx: true };

/** The router's opus codec: the mic is always sent as opus, never another audio codec. */
export function findOpus(capabilities: types.RtpCapabilities): types.RtpCodecCapability | undefined {
  return capabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus');
}

/** mediasoup-client needs `ip`; the server may only fill `address`. */
export function toTransportOptions(
  options: {
    id: string;
    iceParameters: types.IceParameters;
    iceCandidates: (Omit<types.IceCandidate, 'ip'> & { ip?: string })[];
    dtlsParameters: types.DtlsParameters;
    sctpParameters?: types.SctpParameters;
  },
  iceServers: RTCIceServer[],
): types.TransportOptions {
  return {
    id: options.id,
    iceParameters: options.iceParameters,
    iceCandidates: options.iceCandidates.map((c) => ({ ...c, ip: c.ip ?? c.address })),
    dtlsParameters: options.dtlsParameters,
    ...(options.sctpParameters ? { sctpParameters: options.sctpParameters } : {}),
    iceServers,
  };
}

export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
