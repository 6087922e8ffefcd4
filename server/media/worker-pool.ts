import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { AppError } from '../../signaling/errors.js';

export interface WorkerPoolOptions {
  count: number;
  listenIp: string;
  announcedAddress: string | undefined;
  /**
   * What plain RTP transports (the phone gateway's leg) announce instead, when
   * the gateway reaches this node another way than browsers do (compose: the
   * container's name on the internal network). Unset: announcedAddress.
   */
  plainAnnouncedAddress?: string | undefined;
  /** Worker i gets UDP and TCP port `portBase + i` for its WebRtcServer. */
  portBase: number;
  logLevel: types.WorkerLogLevel;
  /** Delay before a dead worker is replaced, so a crash loop can't spin a core. */
  respawnDelayMs: number;
  /** The worker binary, resolved once at start (resolveWorkerBinary). */
  workerBin: string;
}

/** One worker process and its WebRtcServer (two fixed ports operators can open). */
export interface WorkerSlot {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Routers currently on this worker: the load measure for placing new rooms. */
  routers: number;
  /** Where plain RTP transports listen (the WebRtcServer's address) and what they announce. */
  listen: { ip: string; announcedAddress: string | undefined };
}

type DeathListener = (slot: WorkerSlot) => void;

/**
 * One mediasoup worker per slot. When a worker dies, the slot's listeners
 * (the rooms on it) are told, and a replacement is started on the same
 * ports; the process itself never exits because of it.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #log: Logger;
  readonly #slots: (WorkerSlot | null)[];
  readonly #deathListeners = new Set<DeathListener>();
  #closed = false;

  private constructor(options: WorkerPoolOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#slots = new Array<WorkerSlot | null>(options.count).fill(null);
  }

  static async create(options: WorkerPoolOptions, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, log);
    try {
      for (let i = 0; i < options.count; i += 1) pool.#slots[i] = await pool.#spawn(i);
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  onWorkerDeath(listener: DeathListener): () => void {
    this.#deathListeners.add(listener);
    return () => this.#deathListeners.delete(listener);
  }

  /** The live slot with the fewest routers. */
  leastLoaded(): WorkerSlot {
    let best: WorkerSlot | null = null;
    for (const slot of this.#slots) {
      if (slot && !slot.worker.closed && (!best || slot.routers < best.routers)) best = slot;
    }
    // A client error, not a crash: the replacement is starting, and a retry in a second works.
    if (!best) throw new AppError('MEDIA_ERROR', 'media server restarting; try again in a moment');
    return best;
  }

  get alive(): number {
    return this.#slots.filter((s) => s && !s.worker.closed).length;
  }

  get total(): number {
    return this.#options.count;
  }

  /** Live workers by slot index, for per-worker metrics. */
  get live(): { index: number; pid: number }[] {
    return this.#slots.flatMap((s) => (s && !s.worker.closed ? [{ index: s.index, pid: s.worker.pid }] : []));
  }

  get pids(): number[] {
    return this.#slots.flatMap((s) => (s && !s.worker.closed ? [s.worker.pid] : []));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot?.worker.close();
  }

  async #spawn(index: number): Promise<WorkerSlot> {
    const { listenIp, announcedAddress, portBase, logLevel, workerBin } = this.#options;
    const worker = await createWorkerKeepingSignals({ logLevel, workerBin, appData: { index } });
    const port = portBase + index;
    const listen = (protocol: 'udp' | 'tcp'): types.TransportListenInfo => ({
      protocol,
      ip: listenIp,
      port,
      ...(announcedAddress ? { announcedAddress } : {}),
    });
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
    } catch (error) {
      worker.close();
      throw new Error(
        `media worker ${index}: cannot listen on ${listenIp}:${port} (udp+tcp): ${String(error)}`,
        { cause: error },
      );
    }
    const slot: WorkerSlot = {
      index,
      worker,
      webRtcServer,
      routers: 0,
      listen: { ip: listenIp, announcedAddress: this.#options.plainAnnouncedAddress ?? announcedAddress },
    };
    worker.on('died', (error) => this.#handleDeath(slot, error));
    this.#log.info({ worker: index, pid: worker.pid, port }, 'media worker started');
    return slot;
  }

  #handleDeath(slot: WorkerSlot, error: Error): void {
    this.#log.error({ worker: slot.index, pid: slot.worker.pid, err: error }, 'media worker died');
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = null;
    for (const listener of this.#deathListeners) listener(slot);
    this.#respawnLater(slot.index, this.#options.respawnDelayMs);
  }

  #respawnLater(index: number, delayMs: number): void {
    if (this.#closed) return;
    setTimeout(() => {
      if (this.#closed) return;
      this.#spawn(index).then(
        (fresh) => {
          if (this.#closed) fresh.worker.close();
          else this.#slots[index] = fresh;
        },
        (error: unknown) => {
          // Keep trying, slower each time: the ports may still be held for a moment.
          this.#log.error({ worker: index, err: error }, 'replacing a dead media worker failed');
          this.#respawnLater(index, Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs).unref();
  }
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * mediasoup (3.19.22 and later) closes each worker itself on SIGTERM or
 * SIGINT. That would cut every call at the first instant of a graceful
 * shutdown, when server/main.ts means to drain them for
 * SHUTDOWN_DRAIN_SECONDS and close the workers last. So the listeners a
 * createWorker() call adds for those signals are taken off again; the pool's
 * close() still closes every worker.
 */
async function createWorkerKeepingSignals(
  settings: types.WorkerSettings<{ index: number }>,
): Promise<types.Worker<{ index: number }>> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const worker = await mediasoup.createWorker(settings);
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return worker;
}
