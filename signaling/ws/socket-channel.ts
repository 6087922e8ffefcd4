import type { ServerEventName, ServerEvents } from '../protocol/index.js';
import type { PeerChannel } from '../rooms/peer-channel.js';
import type { GatewaySocket } from './socket-types.js';

export type EmitEvent = <E extends ServerEventName>(event: E, payload: ServerEvents[E]) => void;

/**
 * The room's semantic calls as the protocol's events (signaling/protocol/events.ts),
 * for any carrier of those events: a socket.io socket, or a test's recorder.
 */
export function eventChannel(emit: EmitEvent, disconnect: () => void): PeerChannel {
  return {
    peerJoined: (peer) => emit('peerJoined', { peer }),
    peerLeft: (peerId) => emit('peerLeft', { peerId }),
    newProducer: (peerId, producer) => emit('newProducer', { peerId, producer }),
    producerPaused: (peerId, producerId, paused) =>
      emit(paused ? 'producerPaused' : 'producerResumed', { peerId, producerId }),
    producerClosed: (peerId, producerId) => emit('producerClosed', { peerId, producerId }),
    consumerClosed: (consumerId) => emit('consumerClosed', { consumerId }),
    activeSpeaker: (peerId) => emit('activeSpeaker', { peerId }),
    roomClosed: (reason, startsAt) =>
      emit('roomClosed', { reason, ...(startsAt === undefined ? {} : { startsAt }) }),
    mediaRestarted: (peers) => emit('mediaRestarted', { peers }),
    knock: (peer) => emit('knock', { peer }),
    knockWithdrawn: (peerId) => emit('knockWithdrawn', { peerId }),
    lobbyPreview: (peerId, image) => emit('lobbyPreview', { peerId, image }),
    admitted: (peers) => emit('admitted', { peers }),
    peerMuted: (peerId, producerId) => emit('peerMuted', { peerId, producerId }),
    roomLocked: (locked) => emit('roomLocked', { locked }),
    documentRequested: () => emit('documentRequested', {}),
    documentState: (peerId, report) => emit('documentState', { peerId, report }),
    identityVerified: (peerId, method, by) => emit('identityVerified', { peerId, method, by }),
    chatMessage: (message) => emit('chatMessage', message),
    kick: (code, message) => {
      emit('kicked', { code, message });
      disconnect();
    },
  };
}

export function socketChannel(socket: GatewaySocket): PeerChannel {
  return eventChannel(
    (event, payload) => {
      // The generic key/payload pair is correct by construction (ServerEvents[E]);
      // socket.io's emit typing can't follow a generic event name.
      (socket.emit as (event: string, payload: unknown) => boolean)(event, payload);
    },
    () => socket.disconnect(true),
  );
}
