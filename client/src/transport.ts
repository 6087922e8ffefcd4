import type { types } from 'mediasoup-client';
import type { ProtocolClient } from './protocol-client.js';

/*
 * What every WebRTC transport of a call needs, send or receive: options in
 * mediasoup-client's shape, DTLS connection through the server, and ICE
 * restarts when the path breaks.
 */

/** mediasoup-client needs `ip`; the server may only fill `address`. */
export function toTransportOptions(
  options: {
    id: string;
    iceParameters: types.IceParameters;
    iceCandidates: (Omit<types.IceCandidate, 'ip'> & { ip?: string })[];
    dtlsParameters: types.DtlsParameters;
  },
  iceServers: RTCIceServer[],
  relayOnly: boolean,
): types.TransportOptions {
  return {
    id: options.id,
    iceParameters: options.iceParameters,
    iceCandidates: options.iceCandidates.map((c) => ({ ...c, ip: c.ip ?? c.address })),
    dtlsParameters: options.dtlsParameters,
    iceServers,
    ...(relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
  };
}

export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

// 'disconnected' often heals by itself within a second or two (a Wi-Fi blip);
// past this, fresh ICE credentials get the path back sooner than waiting.
const DISCONNECTED_GRACE_MS = 3_000;

/**
 * Answers the transport's 'connect' through the server and restarts ICE when
 * it fails, or stays disconnected too long. Returns the restart, for a caller
 * that knows the network changed.
 */
export function wireTransport(
  transport: types.Transport,
  client: ProtocolClient,
  onWarning: (error: unknown) => void,
): () => Promise<void> {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    client.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(
      () => callback(),
      (error: unknown) => errback(toError(error)),
    );
  });
  let restarting: Promise<void> | undefined;
  let disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  // ICE can recover from a network change with fresh credentials; the
  // DTLS session and every producer and consumer survive the restart.
  const restart = (): Promise<void> => {
    if (transport.closed || client.isClosed) return Promise.resolve();
    restarting ??= client
      .request('restartIce', { transportId: transport.id })
      .then(({ iceParameters }) => transport.restartIce({ iceParameters }))
      .finally(() => {
        restarting = undefined;
      });
    return restarting;
  };
  transport.on('connectionstatechange', (state) => {
    clearTimeout(disconnectedTimer);
    if (state === 'failed') restart().catch(onWarning);
    else if (state === 'disconnected') {
      disconnectedTimer = setTimeout(() => restart().catch(onWarning), DISCONNECTED_GRACE_MS);
    }
  });
  return restart;
}
