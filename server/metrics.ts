import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutcomeListener } from '../signaling/appointments/scheduler.js';

/*
 * Prometheus metrics, on GET /metrics of the HTTP port. Counts are read at
 * scrape time from the objects that own them (no second bookkeeping that
 * could drift); only events (notification outcomes, HTTP requests) are
 * counted as they happen. Scrape it from inside your network: the TLS
 * variant's Caddyfile does not expose it.
 */

export interface MetricsSources {
  rooms: { readonly liveRooms: number; readonly participants: number };
  media: {
    mediaCounts(): { routers: number; transports: number; producers: number; consumers: number };
    liveWorkers(): { index: number; pid: number }[];
  };
  /** Where /proc is; tests point it elsewhere. */
  procRoot?: string;
}

/** Linux exposes process times in USER_HZ ticks, 100 per second on every architecture we run on. */
const USER_HZ = 100;
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The registry and the event counters. Created before the scheduler (it
 * takes `notificationOutcome`), attached to the HTTP app by registerMetrics.
 */
export class GuichetMetrics {
  readonly registry = new Registry();
  readonly #notifications = new Counter({
    name: 'guichet_notifications_total',
    help: 'Notification attempts by outcome (sent, pending = retry scheduled, failed, skipped)',
    labelNames: ['kind', 'channel', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'guichet_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern (socket.io traffic is not counted)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly #refused = new Counter({
    name: 'guichet_abuse_refused_total',
    help: 'Requests or connections refused by an abuse cap (connections per address, REST calls per token, join attempts, socket messages per connection)',
    labelNames: ['cap'] as const,
    registers: [this.registry],
  });
  #attached = false;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'guichet_' });
  }

  /** For the abuse caps (signaling/security, signaling/http): one refusal. */
  readonly refused = (cap: string): void => {
    this.#refused.inc({ cap });
  };

  /** For NotificationScheduler's `onOutcome`. */
  readonly notificationOutcome: OutcomeListener = (kind, channel, status) => {
    this.#notifications.inc({ kind, channel, status });
  };

  /** Registers the scrape-time gauges once; a second call is a programming error. */
  attach(sources: MetricsSources): void {
    if (this.#attached) throw new Error('metrics: sources already attached');
    this.#attached = true;
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    gauge('guichet_rooms', 'Rooms with at least one participant on this node', () => sources.rooms.liveRooms);
    gauge('guichet_participants', 'Participants in calls on this node', () => sources.rooms.participants);
    gauge(
      'guichet_media_routers',
      'mediasoup routers (one per live room)',
      () => sources.media.mediaCounts().routers,
    );
    gauge('guichet_media_transports', 'WebRTC transports', () => sources.media.mediaCounts().transports);
    gauge(
      'guichet_media_producers',
      'Producers (tracks sent to the SFU)',
      () => sources.media.mediaCounts().producers,
    );
    gauge(
      'guichet_media_consumers',
      'Consumers (tracks sent by the SFU)',
      () => sources.media.mediaCounts().consumers,
    );
    gauge(
      'guichet_media_workers_alive',
      'mediasoup workers running',
      () => sources.media.liveWorkers().length,
    );
    registerWorkerUsage(registers, sources);
  }
}

/** Per-worker CPU and memory, read from /proc/<pid> at scrape time (no extra dependency). */
function registerWorkerUsage(registers: Registry[], sources: MetricsSources): void {
  const proc = sources.procRoot ?? '/proc';
  new Gauge({
    name: 'guichet_media_worker_cpu_seconds',
    help: 'CPU time (user + system) a mediasoup worker has used since it started; rate() it',
    labelNames: ['worker'] as const,
    registers,
    collect() {
      this.reset();
      for (const { index, pid } of sources.media.liveWorkers()) {
        const ticks = cpuTicks(proc, pid);
        if (ticks !== null) this.set({ worker: String(index) }, ticks / USER_HZ);
      }
    },
  });
  new Gauge({
    name: 'guichet_media_worker_resident_memory_bytes',
    help: 'Resident memory of a mediasoup worker',
    labelNames: ['worker'] as const,
    registers,
    collect() {
      this.reset();
      for (const { index, pid } of sources.media.liveWorkers()) {
        const bytes = residentBytes(proc, pid);
        if (bytes !== null) this.set({ worker: String(index) }, bytes);
      }
    },
  });
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, counted after the parenthesised command name). */
export function cpuTicks(proc: string, pid: number): number | null {
  const stat = readOrNull(`${proc}/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ") ": field 3 (state) is index 0, so field n is index n - 3.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** VmRSS from /proc/<pid>/status, in bytes (the kernel writes kB). */
export function residentBytes(proc: string, pid: number): number | null {
  const status = readOrNull(`${proc}/${pid}/status`);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  return match?.[1] ? Number(match[1]) * 1024 : null;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The worker exited between listing and reading: no sample this time.
    return null;
  }
}

/**
 * GET /metrics (Prometheus text format) and the HTTP latency histogram.
 * Called after createHttpApp, before listen: the hook then sees every route.
 */
export function registerMetrics(
  app: FastifyInstance,
  deps: { metrics: GuichetMetrics } & MetricsSources,
): void {
  const { metrics } = deps;
  metrics.attach(deps);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL (ids and tokens would explode the label set).
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
