import { randomUUID } from 'node:crypto';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { describe, expect, it } from 'vitest';
import { RoomIdSchema } from '../../signaling/protocol/index.js';
import { Call } from './call.js';
import type { CallEnd, CallListener, RemoteMedia, RemotePeer } from './call-types.js';
import { GuichetError } from './errors.js';
import { ProtocolClient } from './protocol-client.js';
import type { LocalTracks } from './sender.js';
import { FakeSocket } from './testing/fake-socket.js';

/*
 * Call against a scripted server (FakeSocket) and mediasoup-client's own
 * FakeHandler instead of a browser: the order of requests, the consumer
 * life cycle and the endings, without WebRTC.
 */

const ROOM = RoomIdSchema.parse('room-123456');

interface FakeProducer {
  producerId: string;
  kind: 'audio' | 'video';
  source: 'mic' | 'camera';
  paused: boolean;
}

function producer(kind: 'audio' | 'video', paused = false): FakeProducer {
  return { producerId: randomUUID(), kind, source: kind === 'audio' ? 'mic' : 'camera', paused };
}

function str(payload: unknown, key: string): string {
  return String(Reflect.get(Object(payload), key));
}

/** A server that knows the given peers and answers every request the happy way. */
function fakeServer(options: {
  peers?: { peerId: string; displayName: string; producers: FakeProducer[] }[];
  /** Producers the server can serve but that the join answer doesn't list (announced later). */
  later?: { peerId: string; producer: FakeProducer }[];
  joinError?: string;
  onJoin?: (socket: FakeSocket) => void;
}): FakeSocket {
  const owners = new Map<string, { peerId: string; producer: FakeProducer }>();
  for (const peer of options.peers ?? [])
    for (const p of peer.producers) owners.set(p.producerId, { peerId: peer.peerId, producer: p });
  for (const entry of options.later ?? []) owners.set(entry.producer.producerId, entry);
  const socket: FakeSocket = new FakeSocket((event, payload) => {
    switch (event) {
      case 'join':
        if (options.joinError) return { ok: false, error: { code: options.joinError, message: 'no' } };
        options.onJoin?.(socket);
        return {
          ok: true,
          data: {
            peerId: 'me',
            role: 'guest',
            routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(),
            peers: (options.peers ?? []).map((p) => ({ ...p, role: 'host' })),
            iceServers: [],
          },
        };
      case 'createTransport':
        return {
          ok: true,
          data: { ...testFakeParameters.generateTransportRemoteParameters(), id: randomUUID() },
        };
      case 'consume': {
        const owner = owners.get(str(payload, 'producerId'));
        if (!owner) return { ok: false, error: { code: 'NOT_FOUND', message: 'no producer' } };
        const mime = owner.producer.kind === 'audio' ? 'audio/opus' : 'video/VP8';
        const { rtpParameters } = testFakeParameters.generateConsumerRemoteParameters({
          codecMimeType: mime,
        });
        return {
          ok: true,
          data: {
            consumerId: randomUUID(),
            producerId: owner.producer.producerId,
            peerId: owner.peerId,
            kind: owner.producer.kind,
            rtpParameters,
            source: owner.producer.source,
          },
        };
      }
      case 'produce':
        return { ok: true, data: { producerId: randomUUID() } };
      default:
        return { ok: true, data: {} };
    }
  });
  return socket;
}

/** Lets a test add producers that exist only after the join. */
function announce(socket: FakeSocket, peerId: string, p: FakeProducer): void {
  socket.fire('newProducer', { peerId, producer: p });
}

class RecordingListener implements CallListener {
  readonly log: string[] = [];
  readonly media: RemoteMedia[] = [];
  readonly ends: CallEnd[] = [];
  onPeerJoined(peer: RemotePeer): void {
    this.log.push(`joined ${peer.peerId}`);
  }
  onPeerLeft(peerId: string): void {
    this.log.push(`left ${peerId}`);
  }
  onMediaAdded(media: RemoteMedia): void {
    this.media.push(media);
    this.log.push(`media ${media.peerId} ${media.kind} ${media.paused ? 'paused' : 'live'}`);
  }
  onMediaRemoved(peerId: string): void {
    this.log.push(`removed ${peerId}`);
  }
  onMediaPaused(peerId: string, _consumerId: string, paused: boolean): void {
    this.log.push(`${paused ? 'paused' : 'resumed'} ${peerId}`);
  }
  onActiveSpeaker(peerId: string | null): void {
    this.log.push(`speaker ${peerId}`);
  }
  onEnded(end: CallEnd): void {
    this.ends.push(end);
  }
  onWarning(error: unknown): void {
    this.log.push(`warning ${String(error)}`);
  }
}

async function join(
  socket: FakeSocket,
  listener = new RecordingListener(),
  tracks: LocalTracks = {},
  live = { micOn: true, cameraOn: true },
): Promise<{ call: Call; listener: RecordingListener }> {
  const call = await Call.join(
    { roomId: ROOM, displayName: 'Camille', password: 'pw' },
    {
      connect: () => {
        const pending = ProtocolClient.connect({ createSocket: () => socket });
        socket.fire('connect');
        return pending;
      },
      createDevice: () => new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) }),
      listener,
      tracks: Promise.resolve(tracks),
      ...live,
    },
  );
  return { call, listener };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('Call', () => {
  it('consumes what the room already sends, then resumes each consumer', async () => {
    const alice = {
      peerId: 'alice',
      displayName: 'Alice',
      producers: [producer('audio'), producer('video', true)],
    };
    const socket = fakeServer({ peers: [alice] });
    const { call, listener } = await join(socket);
    expect(listener.log).toEqual(['joined alice', 'media alice audio live', 'media alice video paused']);
    expect(socket.requests('consume').map((p) => str(p, 'producerId'))).toEqual(
      alice.producers.map((p) => p.producerId),
    );
    expect(socket.requests('resumeConsumer').map((p) => str(p, 'consumerId'))).toEqual(
      listener.media.map((m) => m.consumerId),
    );
    expect(socket.requests('createTransport')).toEqual([{ direction: 'recv' }]);
    call.close();
  });

  it('handles events that arrive during the join after the peers of the join answer', async () => {
    const alice = { peerId: 'alice', displayName: 'Alice', producers: [producer('audio')] };
    const socket = fakeServer({
      peers: [alice],
      onJoin: (s) =>
        s.fire('peerJoined', { peer: { peerId: 'bob', displayName: 'Bob', role: 'guest', producers: [] } }),
    });
    const { call, listener } = await join(socket);
    await settle();
    expect(listener.log).toEqual(['joined alice', 'media alice audio live', 'joined bob']);
    call.close();
  });

  it('consumes a producer announced after the join, and follows it', async () => {
    const video = producer('video');
    const socket = fakeServer({
      peers: [{ peerId: 'alice', displayName: 'Alice', producers: [] }],
      later: [{ peerId: 'alice', producer: video }],
    });
    const { call, listener } = await join(socket);
    announce(socket, 'alice', video);
    socket.fire('producerPaused', { peerId: 'alice', producerId: video.producerId });
    socket.fire('producerResumed', { peerId: 'alice', producerId: video.producerId });
    socket.fire('activeSpeaker', { peerId: 'alice' });
    socket.fire('peerLeft', { peerId: 'alice' });
    await settle();
    expect(listener.log).toEqual([
      'joined alice',
      'media alice video live',
      'paused alice',
      'resumed alice',
      'speaker alice',
      'removed alice',
      'left alice',
    ]);
    expect(listener.ends).toEqual([]);
    call.close();
  });

  it('forwards a preferred layer for a live consumer only', async () => {
    const video = producer('video');
    const socket = fakeServer({ peers: [{ peerId: 'alice', displayName: 'Alice', producers: [video] }] });
    const { call, listener } = await join(socket);
    const consumerId = listener.media[0]?.consumerId ?? '';
    await call.setPreferredLayers(consumerId, 1);
    await call.setPreferredLayers(randomUUID(), 2);
    expect(socket.requests('setPreferredLayers')).toEqual([{ consumerId, spatialLayer: 1 }]);
    call.close();
  });

  it('drops a consumer the server closed', async () => {
    const audio = producer('audio');
    const socket = fakeServer({ peers: [{ peerId: 'alice', displayName: 'Alice', producers: [audio] }] });
    const { call, listener } = await join(socket);
    const consumerId = listener.media[0]?.consumerId;
    socket.fire('consumerClosed', { consumerId });
    await settle();
    expect(listener.log.at(-1)).toBe('removed alice');
    call.close();
  });

  it('rejects with the server code and closes the socket when the join is refused', async () => {
    const socket = fakeServer({ joinError: 'WRONG_PASSWORD' });
    const listener = new RecordingListener();
    const error = await join(socket, listener).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuichetError);
    expect(error instanceof GuichetError && error.code).toBe('WRONG_PASSWORD');
    expect(socket.disconnected).toBe(true);
    expect(listener.ends).toEqual([]);
  });

  it('ends once on roomClosed, closes everything, and ignores what follows', async () => {
    const socket = fakeServer({ peers: [] });
    const { call, listener } = await join(socket);
    socket.fire('roomClosed', { reason: 'media-failure' });
    socket.fire('kicked', { code: 'SHUTTING_DOWN', message: 'bye' });
    expect(listener.ends).toEqual([{ kind: 'roomClosed', reason: 'media-failure' }]);
    expect(call.isClosed).toBe(true);
    expect(socket.disconnected).toBe(true);
    expect(socket.listenerCount('newProducer')).toBe(0);
  });

  it('leave tells the server, then ends as "left"', async () => {
    const socket = fakeServer({ peers: [] });
    const { call, listener } = await join(socket);
    await call.leave();
    expect(socket.requests('leave')).toEqual([{}]);
    expect(listener.ends).toEqual([{ kind: 'left' }]);
  });

  it('sends the mic as opus and the camera as three simulcast layers, paused if asked', async () => {
    const socket = fakeServer({ peers: [] });
    const audio = new FakeMediaStreamTrack({ kind: 'audio' });
    const video = new FakeMediaStreamTrack({ kind: 'video' });
    const { call } = await join(socket, undefined, { audio, video }, { micOn: false, cameraOn: true });
    await call.sendingReady;
    const produced = socket.requests('produce');
    const bySource = new Map(produced.map((p) => [str(p, 'source'), p]));
    expect([...bySource.keys()].sort()).toEqual(['camera', 'mic']);
    const mic = Reflect.get(Object(bySource.get('mic')), 'rtpParameters');
    expect(str(Reflect.get(Object(mic), 'codecs')[0], 'mimeType').toLowerCase()).toBe('audio/opus');
    const camera = Reflect.get(Object(bySource.get('camera')), 'rtpParameters');
    expect(Reflect.get(Object(camera), 'encodings')).toHaveLength(3);
    expect(socket.requests('pauseProducer')).toHaveLength(1);
    expect(call.canSend('mic') && call.canSend('camera')).toBe(true);
    call.close();
  });
});
