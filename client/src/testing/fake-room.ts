import { randomUUID } from 'node:crypto';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { RoomIdSchema } from '../../../signaling/protocol/index.js';
import { Call } from '../call.js';
import type { CallEnd, CallListener, RemoteMedia, RemotePeer } from '../call-types.js';
import { ProtocolClient } from '../protocol-client.js';
import type { LocalTracks } from '../sender.js';
import { FakeSocket } from './fake-socket.js';

/*
 * A scripted room for Call tests: a fake server behind a FakeSocket, and
 * mediasoup-client's own FakeHandler instead of a browser's WebRTC.
 */

const ROOM = RoomIdSchema.parse('room-123456');

export interface FakeProducer {
  producerId: string;
  kind: 'audio' | 'video';
  source: 'mic' | 'camera';
  paused: boolean;
}

export function producer(kind: 'audio' | 'video', paused = false): FakeProducer {
  return { producerId: randomUUID(), kind, source: kind === 'audio' ? 'mic' : 'camera', paused };
}

export function str(payload: unknown, key: string): string {
  return String(Reflect.get(Object(payload), key));
}

/** A server that knows the given peers and answers every request the happy way. */
export function fakeServer(options: {
  peers?: { peerId: string; displayName: string; producers: FakeProducer[] }[];
  /** Producers the server can serve but that the join answer doesn't list (announced later). */
  later?: { peerId: string; producer: FakeProducer }[];
  joinError?: string;
  /** Answer the join with state 'lobby' (an appointment guest). */
  lobby?: boolean;
  onJoin?: (socket: FakeSocket) => void;
  /** Build the transports a join asks for, as the server does for admitted peers (default true). */
  transportsInJoin?: boolean;
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
            state: options.lobby ? 'lobby' : 'admitted',
            resumeSecret: 'r'.repeat(32),
            locked: false,
            routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(),
            peers: options.lobby ? [] : admittedPeers(options.peers),
            iceServers: [],
            ...(options.transportsInJoin !== false && !options.lobby
              ? { transports: joinTransports(payload) }
              : {}),
          },
        };
      case 'createTransport':
        return { ok: true, data: fakeTransport() };
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

function joinTransports(payload: unknown): Record<string, unknown> {
  const asked = typeof payload === 'object' && payload !== null ? Reflect.get(payload, 'transports') : [];
  const transports: Record<string, unknown> = {};
  for (const direction of Array.isArray(asked) ? asked : []) {
    transports[String(direction)] = fakeTransport();
  }
  return transports;
}

function fakeTransport(): Record<string, unknown> {
  return { ...testFakeParameters.generateTransportRemoteParameters(), id: randomUUID() };
}

export function admittedPeers(
  peers: { peerId: string; displayName: string; producers: FakeProducer[] }[] = [],
): unknown[] {
  return peers.map((p) => ({ ...p, role: 'host', state: 'admitted' }));
}

/** Lets a test add producers that exist only after the join. */
export function announce(socket: FakeSocket, peerId: string, p: FakeProducer): void {
  socket.fire('newProducer', { peerId, producer: p });
}

export class RecordingListener implements CallListener {
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
  onLobby(): void {
    this.log.push('lobby');
  }
  onSelfMuted(): void {
    this.log.push('self muted');
  }
  onWarning(error: unknown): void {
    this.log.push(`warning ${String(error)}`);
  }
}

export async function join(
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

export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
