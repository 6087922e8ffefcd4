import type { types } from 'mediasoup-client';
import type { ProducerInfo, RtpCapabilities } from '../../signaling/protocol/index.js';
import type { CallListener } from './call-types.js';
import type { ProtocolClient } from './protocol-client.js';
import { NO_RECV_STATS, summarizeRecvStats, type RecvStats, type StatsReportLike } from './recv-stats.js';
import { clientRtpParameters } from './rtp-compat.js';

interface ConsumerEntry {
  consumer: types.Consumer;
  peerId: string;
  producerId: string;
}

/**
 * The receive half of a call: one consumer per remote producer, on one
 * receive transport. Tracks go to the listener; close() closes the
 * transport, which closes every consumer.
 */
export class Receiver {
  private readonly consumers = new Map<string, ConsumerEntry>();
  private closed = false;
  private videoPaused = false;
  // The layer each tile asked for, restored when audio-only ends.
  private readonly layers = new Map<string, number>();

  constructor(
    private readonly client: ProtocolClient,
    private readonly transport: types.Transport,
    /** The device's receive capabilities, already in the protocol's shape. */
    private readonly rtpCapabilities: RtpCapabilities,
    private readonly listener: CallListener,
  ) {}

  /** Consumes one producer; a failure is a warning (the rest of the call goes on). */
  async consume(peerId: string, producer: ProducerInfo): Promise<void> {
    try {
      await this.consumeOrThrow(peerId, producer);
    } catch (error) {
      if (!this.closed) this.listener.onWarning(error);
    }
  }

  private async consumeOrThrow(peerId: string, producer: ProducerInfo): Promise<void> {
    if (this.closed) return;
    const options = await this.client.request('consume', {
      transportId: this.transport.id,
      producerId: producer.producerId,
      rtpCapabilities: this.rtpCapabilities,
    });
    if (this.closed) return;
    const consumer = await this.transport.consume({
      id: options.consumerId,
      producerId: options.producerId,
      kind: options.kind,
      rtpParameters: clientRtpParameters(options.rtpParameters),
    });
    this.consumers.set(consumer.id, { consumer, peerId, producerId: producer.producerId });
    if (this.videoPaused && consumer.kind === 'video') consumer.pause();
    this.listener.onMediaAdded({
      peerId,
      consumerId: consumer.id,
      kind: options.kind,
      source: options.source,
      track: consumer.track,
      paused: producer.paused,
    });
    // Consumers start paused server-side so no packet is lost before this point;
    // in audio-only mode a video consumer simply stays paused there.
    if (this.videoPaused && consumer.kind === 'video') return;
    await this.client.request('resumeConsumer', { consumerId: consumer.id });
  }

  remove(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    entry.consumer.close();
    this.listener.onMediaRemoved(entry.peerId, consumerId);
  }

  removePeer(peerId: string): void {
    for (const [id, entry] of this.consumers) if (entry.peerId === peerId) this.remove(id);
  }

  removeProducer(producerId: string): void {
    const entry = this.ofProducer(producerId);
    if (entry) this.remove(entry.consumer.id);
  }

  producerPaused(producerId: string, paused: boolean): void {
    const entry = this.ofProducer(producerId);
    if (entry) this.listener.onMediaPaused(entry.peerId, entry.consumer.id, paused);
  }

  /** Caps what one consumer receives to what its tile can show. */
  async setPreferredLayers(consumerId: string, spatialLayer: number): Promise<void> {
    if (this.closed || !this.consumers.has(consumerId)) return;
    this.layers.set(consumerId, spatialLayer);
    if (this.videoPaused) return;
    await this.client.request('setPreferredLayers', { consumerId, spatialLayer });
  }

  /**
   * Audio-only: video consumers pause here and on the SFU, so no video
   * crosses the network at all; resuming asks again for the layer the tile wants.
   */
  async pauseVideo(paused: boolean): Promise<void> {
    this.videoPaused = paused;
    const jobs: Promise<unknown>[] = [];
    for (const { consumer } of this.consumers.values()) {
      if (consumer.kind !== 'video' || consumer.closed) continue;
      if (paused) {
        consumer.pause();
        jobs.push(this.client.request('pauseConsumer', { consumerId: consumer.id }));
      } else {
        consumer.resume();
        const spatialLayer = this.layers.get(consumer.id) ?? 2;
        jobs.push(
          this.client
            .request('resumeConsumer', { consumerId: consumer.id })
            .then(() => this.client.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer })),
        );
      }
    }
    await Promise.all(jobs);
  }

  /** Each remote participant's receiver stats, for the quality indicators. */
  async peerReports(): Promise<Map<string, StatsReportLike[]>> {
    const byPeer = new Map<string, StatsReportLike[]>();
    if (this.closed) return byPeer;
    const entries = [...this.consumers.values()].filter(({ consumer }) => !consumer.closed);
    const reports = await Promise.all(entries.map(({ consumer }) => consumer.getStats()));
    entries.forEach(({ peerId }, i) => {
      const report = reports[i];
      if (report) byPeer.set(peerId, [...(byPeer.get(peerId) ?? []), report]);
    });
    return byPeer;
  }

  async stats(): Promise<RecvStats> {
    if (this.closed || this.transport.closed) return { ...NO_RECV_STATS };
    return summarizeRecvStats(await this.transport.getStats());
  }

  /** Every track goes (the listener hears of each), then the transport: the media moved elsewhere. */
  drop(): void {
    for (const id of [...this.consumers.keys()]) this.remove(id);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
    this.consumers.clear();
  }

  private ofProducer(producerId: string): ConsumerEntry | undefined {
    for (const entry of this.consumers.values()) if (entry.producerId === producerId) return entry;
    return undefined;
  }
}
