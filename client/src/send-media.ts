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

/**
 * The simulcast layer worth receiving for a video shown this wide: the
 * layers are a quarter, half and all of a 1280-pixel-wide picture. Pixel
 * ratios above 2 add cost without a visible gain.
 */
export function spatialLayerForWidth(cssWidth: number, pixelRatio: number): 0 | 1 | 2 {
  const pixels = cssWidth * Math.min(Math.max(pixelRatio, 1), 2);
  if (pixels <= 320) return 0;
  if (pixels <= 640) return 1;
  return 2;
}

// Without a start bitrate the first seconds go out at the browser's minimum.
export const CAMERA_CODEC_OPTIONS: types.ProducerCodecOptions = { videoGoogleStartBitrate: 1000 };

// FEC keeps speech intelligible on lossy mobile links; DTX saves bandwidth in silences.
export const MIC_CODEC_OPTIONS: types.ProducerCodecOptions = { opusFec: true, opusDtx: true };

/** The router's opus codec: the mic is always sent as opus, never another audio codec. */
export function findOpus(capabilities: types.RtpCapabilities): types.RtpCodecCapability | undefined {
  return capabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus');
}
