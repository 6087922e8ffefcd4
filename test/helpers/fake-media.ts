import { randomUUID } from 'node:crypto';
import type {
  MediaBackend,
  MediaHealth,
  MediaRoom,
  MediaRoomListener,
  PlainTransportInfo,
} from '../../signaling/rooms/media-port.js';
import type { ConsumerOptions, PeerId, RoomId, TransportOptions } from '../../signaling/protocol/index.js';

/** An in-memory MediaBackend for unit tests of room logic: records calls, moves no packets. */
export class FakeMediaRoom implements MediaRoom {
  readonly rtpCapabilities = { codecs: [], headerExtensions: [] };
  readonly closedPeers: PeerId[] = [];
  closed = false;
  readonly producers = new Map<string, PeerId>();

  /** Directions whose transports the "media plane" refuses, to test the callers' error paths. */
  readonly failingDirections = new Set<'send' | 'recv'>();

  constructor(readonly listener: MediaRoomListener) {}

  async createTransport(_peerId: PeerId, direction: 'send' | 'recv'): Promise<TransportOptions> {
    if (this.failingDirections.has(direction)) throw new Error(`no ${direction} transport today`);
    return {
      id: randomUUID(),
      iceParameters: { usernameFragment: 'u', password: 'p', iceLite: true },
      iceCandidates: [],
      dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
    };
  }
  async createPlainTransport(): Promise<PlainTransportInfo> {
    return { id: randomUUID(), ip: '127.0.0.1', port: 40_000 };
  }
  async connectTransport(): Promise<void> {}
  async restartIce(): Promise<TransportOptions['iceParameters']> {
    return { usernameFragment: 'u2', password: 'p2', iceLite: true };
  }
  async produce(peerId: PeerId): Promise<string> {
    const id = randomUUID();
    this.producers.set(id, peerId);
    return id;
  }
  async setProducerPaused(): Promise<void> {}
  closeProducer(): void {}
  async consume(_peerId: PeerId, params: { producerId: string }): Promise<ConsumerOptions> {
    const owner = this.producers.get(params.producerId);
    if (!owner) throw new Error('unknown producer');
    return {
      consumerId: randomUUID(),
      producerId: params.producerId,
      peerId: owner,
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
      source: 'mic',
    };
  }
  async resumeConsumer(): Promise<void> {}
  async pauseConsumer(): Promise<void> {}
  async setPreferredLayers(): Promise<void> {}
  closePeer(peerId: PeerId): void {
    this.closedPeers.push(peerId);
  }
  close(): void {
    this.closed = true;
  }
}

export class FakeMediaBackend implements MediaBackend {
  readonly opened: { roomId: RoomId; room: FakeMediaRoom }[] = [];
  /** Resolve openRoom only after this many ms, to widen race windows. */
  openDelayMs = 0;

  async openRoom(roomId: RoomId, listener: MediaRoomListener): Promise<MediaRoom> {
    if (this.openDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.openDelayMs));
    const room = new FakeMediaRoom(listener);
    this.opened.push({ roomId, room });
    return room;
  }
  health(): MediaHealth {
    return { workersAlive: 1, workersTotal: 1, workerBin: null };
  }
  async close(): Promise<void> {}
}
