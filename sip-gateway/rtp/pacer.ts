import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { PACER_WORKER_SOURCE } from './pacer-worker-source.js';

const FromWorker = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('tick'),
    tick: z.number(),
    // The packets received since the last tick: packet i is lengths[i] bytes of data, in order.
    ids: z.array(z.string()),
    addresses: z.array(z.string()),
    ports: z.array(z.number()),
    lengths: z.array(z.number().int().nonnegative()),
    data: z.instanceof(Uint8Array),
  }),
  z.object({ op: z.literal('opened'), id: z.string(), port: z.number() }),
  z.object({ op: z.literal('error'), id: z.string(), message: z.string() }),
  z.object({ op: z.literal('closed'), id: z.string() }),
  z.object({
    op: z.literal('stats'),
    ticks: z.number(),
    p50: z.number(),
    p99: z.number(),
    max: z.number(),
    priorityRaised: z.boolean(),
  }),
]);

export interface PacingStats {
  ticks: number;
  /** How late the sends were against the 20 ms schedule, in ms. */
  p50: number;
  p99: number;
  max: number;
  /** The pacer thread runs at a higher priority than the main thread (needs CAP_SYS_NICE). */
  priorityRaised: boolean;
}

export type RtpListener = (data: Buffer, from: { address: string; port: number }) => void;

/** One call's RTP socket, owned by the pacer thread. */
export interface RtpStream {
  readonly port: number;
  /** Where to send, which payload type, the codec's silence byte; `sending: false` on hold. */
  setRemote(remote: {
    address: string;
    port: number;
    payloadType: number;
    silenceByte: number;
    sending: boolean;
  }): void;
  /** One 20 ms payload (160 bytes of G.711), sent at the next free tick. */
  send(payload: Uint8Array): void;
  onPacket(listener: RtpListener): void;
  close(): void;
}

/**
 * The main-thread side of the 20 ms clock (see pacer-worker-source.ts).
 * One per gateway; every call's stream lives on it.
 */
export class RtpPacer {
  readonly #worker: Worker;
  readonly #tickListeners = new Set<(tick: number) => void>();
  readonly #packetListeners = new Map<string, RtpListener>();
  readonly #opening = new Map<string, { resolve: (port: number) => void; reject: (e: Error) => void }>();
  #statsWaiter: ((s: PacingStats) => void) | undefined;
  #outIds: string[] = [];
  #outFrames: Uint8Array[] = [];
  #outSize = 0;
  #flushQueued = false;
  #nextId = 0;
  #stopped = false;

  constructor(readonly rtp: { host: string; portMin: number; portMax: number }) {
    this.#worker = new Worker(PACER_WORKER_SOURCE, { eval: true });
    this.#worker.unref();
    this.#worker.on('message', (raw: unknown) => this.#onMessage(raw));
  }

  #onMessage(raw: unknown): void {
    const parsed = FromWorker.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    switch (m.op) {
      case 'tick':
        this.#deliver(m);
        for (const listener of this.#tickListeners) listener(m.tick);
        break;
      case 'opened':
        this.#opening.get(m.id)?.resolve(m.port);
        this.#opening.delete(m.id);
        break;
      case 'error':
        this.#opening.get(m.id)?.reject(new Error(m.message));
        this.#opening.delete(m.id);
        break;
      case 'stats':
        this.#statsWaiter?.(m);
        this.#statsWaiter = undefined;
        break;
      case 'closed':
        break;
    }
  }

  #deliver(m: {
    ids: string[];
    addresses: string[];
    ports: number[];
    lengths: number[];
    data: Uint8Array;
  }): void {
    let offset = m.data.byteOffset;
    for (let i = 0; i < m.ids.length; i++) {
      const length = m.lengths[i] ?? 0;
      const id = m.ids[i] ?? '';
      if (offset + length > m.data.byteOffset + m.data.byteLength) return;
      this.#packetListeners.get(id)?.(Buffer.from(m.data.buffer, offset, length), {
        address: m.addresses[i] ?? '',
        port: m.ports[i] ?? 0,
      });
      offset += length;
    }
  }

  /** Queued for the worker; sent as one message once this tick's work is done. */
  #queueFrame(id: string, payload: Uint8Array): void {
    this.#outIds.push(id);
    this.#outFrames.push(payload);
    this.#outSize += payload.byteLength;
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flushFrames());
  }

  #flushFrames(): void {
    this.#flushQueued = false;
    const ids = this.#outIds;
    const frames = this.#outFrames;
    const data = new Uint8Array(this.#outSize);
    const lengths: number[] = [];
    let offset = 0;
    for (const frame of frames) {
      data.set(frame, offset);
      lengths.push(frame.byteLength);
      offset += frame.byteLength;
    }
    this.#outIds = [];
    this.#outFrames = [];
    this.#outSize = 0;
    if (this.#stopped) return;
    this.#worker.postMessage({ op: 'frames', ids, lengths, data }, [data.buffer]);
  }

  onTick(listener: (tick: number) => void): () => void {
    this.#tickListeners.add(listener);
    return () => this.#tickListeners.delete(listener);
  }

  async open(): Promise<RtpStream> {
    const id = String(this.#nextId++);
    const port = await new Promise<number>((resolve, reject) => {
      this.#opening.set(id, { resolve, reject });
      this.#worker.postMessage({ op: 'open', id, ...this.rtp });
    });
    const worker = this.#worker;
    const listeners = this.#packetListeners;
    let closed = false;
    return {
      port,
      setRemote: (remote) => worker.postMessage({ op: 'remote', id, ...remote }),
      send: (payload) => {
        if (!closed) this.#queueFrame(id, payload);
      },
      onPacket: (listener) => listeners.set(id, listener),
      close: () => {
        if (closed) return;
        closed = true;
        listeners.delete(id);
        worker.postMessage({ op: 'close', id });
      },
    };
  }

  /** Send lateness against the schedule, over the last 5000 ticks. */
  stats(): Promise<PacingStats> {
    return new Promise((resolve) => {
      this.#statsWaiter = resolve;
      this.#worker.postMessage({ op: 'stats' });
    });
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#worker.postMessage({ op: 'stop' });
    await new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      setTimeout(() => void this.#worker.terminate().then(() => resolve()), 1000).unref();
    });
  }
}
