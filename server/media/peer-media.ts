import type { types } from 'mediasoup';
import { NotFoundError } from '../../signaling/errors.js';

/** The mediasoup objects one peer owns in one room. Lookups enforce ownership. */
export class PeerMedia {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();

  transport(id: string): types.WebRtcTransport {
    const transport = this.transports.get(id);
    if (!transport) throw new NotFoundError('NOT_FOUND', 'no such transport of yours');
    return transport;
  }

  producer(id: string): types.Producer {
    const producer = this.producers.get(id);
    if (!producer) throw new NotFoundError('NOT_FOUND', 'no such producer of yours');
    return producer;
  }

  consumer(id: string): types.Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer) throw new NotFoundError('NOT_FOUND', 'no such consumer of yours');
    return consumer;
  }

  /** Closing the transports closes their producers and consumers too (mediasoup cascades). */
  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
