import type { TransportOptions } from '../../signaling/protocol/index.js';
import type { SignalingClient } from '../../test/helpers/signaling-client.js';

/**
 * The part of a full join that follows the join answer, as the browser does
 * it: connect the send transport (a well-formed but dummy DTLS fingerprint:
 * the benches measure signaling and worker cost, not a handshake), then
 * produce one Opus track with valid RTP parameters.
 */
export const DUMMY_DTLS = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256' as const, value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

export async function connectAndProduceAudio(
  client: SignalingClient,
  send: TransportOptions,
  cname: string,
): Promise<void> {
  await client.request('connectTransport', { transportId: send.id, dtlsParameters: DUMMY_DTLS });
  await client.request('produce', {
    transportId: send.id,
    kind: 'audio',
    source: 'mic',
    rtpParameters: {
      mid: '0',
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: 1000 + Math.floor(Math.random() * 1e6) }],
      rtcp: { cname, reducedSize: true },
    },
  });
}
