import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  PROTOCOL_VERSION,
  REQUEST_SCHEMAS,
  type ServerEventName,
} from '../../signaling/protocol/index.js';

/*
 * Wire names are a contract with every client already loaded in a browser
 * somewhere. Renaming one must be a deliberate protocol version bump, so
 * this test pins them; update it only together with PROTOCOL_VERSION.
 */
describe('protocol contract', () => {
  it('pins the protocol version', () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('pins the request names', () => {
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual(
      [
        'closeProducer',
        'connectTransport',
        'consume',
        'createTransport',
        'createPlainTransport',
        'join',
        'leave',
        'pauseProducer',
        'produce',
        'restartIce',
        'resumeConsumer',
        'pauseConsumer',
        'resumeProducer',
        'routerCapabilities',
        'setPreferredLayers',
        'admit',
        'refuse',
        'removePeer',
        'mutePeer',
        'lockRoom',
        'endMeeting',
        'requestDocument',
        'verifyIdentity',
        'lobbyPreview',
        'chat',
        'invite',
      ].sort(),
    );
  });

  it('pins the server event names', () => {
    // A Record over the union makes the compiler fail when an event is added or removed.
    const names: Record<ServerEventName, true> = {
      peerJoined: true,
      peerLeft: true,
      newProducer: true,
      producerPaused: true,
      producerResumed: true,
      producerClosed: true,
      consumerClosed: true,
      activeSpeaker: true,
      roomClosed: true,
      mediaRestarted: true,
      reconnect: true,
      kicked: true,
      knock: true,
      knockWithdrawn: true,
      lobbyPreview: true,
      admitted: true,
      peerMuted: true,
      roomLocked: true,
      documentRequested: true,
      identityVerified: true,
      chatMessage: true,
    };
    expect(Object.keys(names)).toHaveLength(21);
  });

  it('pins the error codes', () => {
    expect([...ERROR_CODES]).toEqual([
      'INVALID_PAYLOAD',
      'VALIDATION_FAILED',
      'PROTOCOL_VERSION',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'WRONG_PASSWORD',
      'ROOM_NOT_FOUND',
      'NOT_FOUND',
      'NOT_JOINED',
      'ALREADY_JOINED',
      'ROOM_CLOSED',
      'MEDIA_ERROR',
      'SHUTTING_DOWN',
      'NOT_OPEN_YET',
      'ACCESS_CLOSED',
      'REFUSED',
      'REMOVED',
      'ROOM_LOCKED',
      'RATE_LIMITED',
      'STORE_UNAVAILABLE',
      'IDEMPOTENCY_KEY_REUSED',
      'LOBBY_FULL',
      'INTERNAL',
      'INVALID_STATE',
      'LIMIT_REACHED',
      'JOIN_TIMEOUT',
      'APPOINTMENT_OVER',
      'CONFLICT',
      'ROOM_ELSEWHERE',
    ]);
  });
});
