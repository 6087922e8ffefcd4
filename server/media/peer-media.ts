import type { types } from 'mediasoup';
import { AppError, NotFoundError } from '../../signaling/errors.js';

/** The mediasoup objects one peer owns in one room. Lookups enforce ownership. */
export class PeerMedia {
  readonly transports = new Map<string, types.WebRtcTransport>();
  /** Plain RTP transports (the phone gateway): Opus only, no ICE, no DTLS. */
  readonly plainTransports = new Map<string, types.PlainTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();

  /** A WebRTC transport of this peer (ICE and DTLS requests make no sense on a plain one). */
  transport(id: string): types.WebRtcTransport {
    const transport = this.transports.get(id);
    if (transport) return transport;
    if (this.plainTransports.has(id))
      throw new AppError('INVALID_STATE', 'a plain transport has no ICE or DTLS');
    throw new NotFoundError('NOT_FOUND', 'no such transport of yours');
  }

  /** Any transport of this peer, to produce or consume on; `plain` says which kind it is. */
  anyTransport(id: string): { transport: types.Transport; plain: boolean } {
    const plain = this.plainTransports.get(id);
    if (plain) return { transport: plain, plain: true };
    return { transport: this.transport(id), plain: false };
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

  get transportCount(): number {
    return this.transports.size + this.plainTransports.size;
  }

  /** Closing the transports closes their producers and consumers too (mediasoup cascades). */
  close(): void {
    for (const transport of this.transports.values()) transport.close();
    for (const transport of this.plainTransports.values()) transport.close();
    this.transports.clear();
    this.plainTransports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
