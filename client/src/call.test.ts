import { randomUUID } from 'node:crypto';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { describe, expect, it, vi } from 'vitest';
import { GuichetError } from './errors.js';
import {
  RecordingListener,
  admittedPeers,
  announce,
  fakeServer,
  join,
  producer,
  settle,
  str,
} from './testing/fake-room.js';

/*
 * Call against a scripted server and mediasoup-client's FakeHandler: the
 * order of requests, the consumer life cycle, the lobby and the endings,
 * without WebRTC.
 */

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
    // The receive transport came with the join answer: no createTransport round trip.
    expect(socket.requests('join').map((p) => Reflect.get(p as object, 'transports'))).toEqual([
      ['recv', 'send'],
    ]);
    expect(socket.requests('createTransport')).toEqual([]);
    call.close();
  });

  it('asks for the receive transport itself when the join answer brings none', async () => {
    const alice = { peerId: 'alice', displayName: 'Alice', producers: [producer('audio')] };
    const socket = fakeServer({ peers: [alice], transportsInJoin: false });
    const { call, listener } = await join(socket);
    expect(listener.log).toEqual(['joined alice', 'media alice audio live']);
    expect(socket.requests('createTransport')).toEqual([{ direction: 'recv' }]);
    call.close();
  });

  it('handles events that arrive during the join after the peers of the join answer', async () => {
    const alice = { peerId: 'alice', displayName: 'Alice', producers: [producer('audio')] };
    const socket = fakeServer({
      peers: [alice],
      onJoin: (s) =>
        s.fire('peerJoined', {
          peer: { peerId: 'bob', displayName: 'Bob', role: 'guest', state: 'admitted', producers: [] },
        }),
    });
    const { call, listener } = await join(socket);
    await vi.waitFor(() =>
      expect(listener.log).toEqual(['joined alice', 'media alice audio live', 'joined bob']),
    );
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
    await vi.waitFor(() =>
      expect(listener.log).toEqual([
        'joined alice',
        'media alice video live',
        'paused alice',
        'resumed alice',
        'speaker alice',
        'removed alice',
        'left alice',
      ]),
    );
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

  it('waits in the lobby until admitted, then consumes the peers the admission lists', async () => {
    const alice = { peerId: 'alice', displayName: 'Alice', producers: [producer('audio')] };
    const socket = fakeServer({ peers: [alice], lobby: true });
    const listener = new RecordingListener();
    let joined = false;
    const joining = join(socket, listener).then((result) => {
      joined = true;
      return result;
    });
    await vi.waitFor(() => expect(listener.log).toEqual(['lobby']));
    expect(joined).toBe(false);
    expect(socket.requests('createTransport')).toEqual([]);
    socket.fire('admitted', { peers: admittedPeers([alice]) });
    const { call } = await joining;
    expect(listener.log).toEqual(['lobby', 'joined alice', 'media alice audio live']);
    // None came with the join (the lobby has no media): asked for once admitted.
    expect(socket.requests('createTransport')).toEqual([{ direction: 'recv' }]);
    call.close();
  });

  it('rejects with REFUSED when the host turns the knock away', async () => {
    const socket = fakeServer({ lobby: true });
    const joining = join(socket).catch((e: unknown) => e);
    await settle();
    socket.fire('kicked', { code: 'REFUSED', message: 'not today' });
    const error = await joining;
    expect(error instanceof GuichetError && error.code).toBe('REFUSED');
    expect(error instanceof GuichetError && error.reason).toBe('not today');
    expect(socket.disconnected).toBe(true);
  });

  it('follows a host muting our microphone', async () => {
    const socket = fakeServer({ peers: [] });
    const audio = new FakeMediaStreamTrack({ kind: 'audio' });
    const { call, listener } = await join(socket, undefined, { audio });
    await call.sendingReady;
    socket.fire('peerMuted', { peerId: 'me', producerId: randomUUID() });
    socket.fire('peerMuted', { peerId: 'alice', producerId: randomUUID() });
    await vi.waitFor(() => expect(listener.log).toEqual(['self muted']));
    expect(audio.enabled).toBe(false);
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
