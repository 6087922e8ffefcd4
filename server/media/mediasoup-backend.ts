import type { Logger } from 'pino';
import type {
  MediaBackend,
  MediaHealth,
  MediaRoom,
  MediaRoomListener,
} from '../../signaling/rooms/media-port.js';
import type { RoomId } from '../../signaling/protocol/index.js';
import { ROUTER_MEDIA_CODECS } from './codecs.js';
import { MediasoupRoom, type MediaCounts } from './mediasoup-room.js';
import { resolveWorkerBinary } from './worker-binary.js';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';

/**
 * The MediaBackend the server runs with: a worker pool, one router per room
 * on the least-loaded worker. When a worker dies only its rooms fail.
 */
export class MediasoupBackend implements MediaBackend {
  readonly #pool: WorkerPool;
  readonly #rooms = new Set<MediasoupRoom>();
  readonly #workerBin: string;

  private constructor(pool: WorkerPool, workerBin: string) {
    this.#pool = pool;
    this.#workerBin = workerBin;
    pool.onWorkerDeath((slot) => {
      for (const room of [...this.#rooms]) {
        if (room.runsOn(slot)) room.workerDied();
      }
    });
  }

  static async create(options: Omit<WorkerPoolOptions, 'workerBin'>, log: Logger): Promise<MediasoupBackend> {
    // Passed to every createWorker() (mediasoup >= 3.19.11), so what /health
    // reports is what runs, whatever the environment says later.
    const workerBin = resolveWorkerBinary();
    return new MediasoupBackend(
      await WorkerPool.create({ ...options, workerBin }, log.child({ component: 'media' })),
      workerBin,
    );
  }

  async openRoom(roomId: RoomId, listener: MediaRoomListener, log: Logger): Promise<MediaRoom> {
    const slot = this.#pool.leastLoaded();
    const room = await MediasoupRoom.create(slot, ROUTER_MEDIA_CODECS, listener, log, (closed) =>
      this.#rooms.delete(closed),
    );
    this.#rooms.add(room);
    log.debug({ roomId, worker: slot.index }, 'router opened');
    return room;
  }

  health(): MediaHealth {
    return {
      workersAlive: this.#pool.alive,
      workersTotal: this.#pool.total,
      workerBin: this.#workerBin,
    };
  }

  /** Worker pids, for fault-injection tests and the metrics endpoint. */
  workerPids(): number[] {
    return this.#pool.pids;
  }

  /** Live workers (slot index and pid), for per-worker metrics. */
  liveWorkers(): { index: number; pid: number }[] {
    return this.#pool.live;
  }

  /** Routers, transports, producers and consumers alive now, for metrics. Read-only. */
  mediaCounts(): MediaCounts & { routers: number } {
    const total = { routers: this.#rooms.size, transports: 0, producers: 0, consumers: 0 };
    for (const room of this.#rooms) {
      const counts = room.counts();
      total.transports += counts.transports;
      total.producers += counts.producers;
      total.consumers += counts.consumers;
    }
    return total;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.#pool.close();
  }
}
