import { SignalingClient } from '../test/helpers/signaling-client.js';
import type { BareSocketIo } from './lib/bare-socketio.js';
import type { BenchServer } from './lib/server-process.js';
import { cpuWindow, percentile, sleep } from './lib/proc.js';
import { connectAndProduceAudio } from './lib/bench-media.js';

/*
 * N clients joining at once over Fastify + socket.io, the way the browser
 * client does: connect, join (which brings both transports),
 * connectTransport (a well-formed but dummy DTLS
 * fingerprint: this measures signaling and worker cost, not a handshake),
 * produce (valid Opus RTP parameters). Two clients per room.
 */

export interface JoinResult {
  clients: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wallMs: number;
  joinsPerSec: number;
  /** CPU used during the wave, in cores (1 = one full core): server Node, its worker, the load generator. */
  serverCpu: number;
  workerCpu: number;
  generatorCpu: number;
  firstError: string | null;
}

async function oneJoin(
  server: BenchServer,
  roomId: string,
  password: string,
  clients: SignalingClient[],
): Promise<number> {
  const t0 = performance.now();
  const client = await SignalingClient.connect(server.url);
  clients.push(client);
  // As the browser client does: both transports come with the join answer.
  const joined = await client.request('join', {
    roomId,
    displayName: 'Bench',
    password,
    transports: ['recv', 'send'],
  });
  const send = joined.transports?.send;
  if (!send || !joined.transports?.recv) throw new Error('join answered without both transports');
  await connectAndProduceAudio(client, send, 'bench');
  return performance.now() - t0;
}

/** One wave of `n` simultaneous joins, two per room; everyone leaves afterwards. */
export async function joinWave(server: BenchServer, n: number): Promise<JoinResult> {
  const rooms = await Promise.all(Array.from({ length: Math.ceil(n / 2) }, () => server.createRoom()));
  return wave(n, server.pid, server.workerPids[0] ?? null, (i, clients) => {
    const room = rooms[Math.floor(i / 2)]!;
    return oneJoin(server, room.roomId, room.password, clients);
  });
}

/** The same wave against bare socket.io: connect and one acknowledged request, nothing else. */
export function floorWave(floor: BareSocketIo, n: number): Promise<JoinResult> {
  return wave(n, floor.pid, null, async (_i, clients) => {
    const t0 = performance.now();
    const client = await SignalingClient.connect(floor.url);
    clients.push(client);
    const ack = await client.raw('join', {});
    if (!ack.ok) throw new Error('bare socket.io refused the request');
    return performance.now() - t0;
  });
}

async function wave(
  n: number,
  serverPid: number,
  workerPid: number | null,
  oneClient: (i: number, clients: SignalingClient[]) => Promise<number>,
): Promise<JoinResult> {
  const clients: SignalingClient[] = [];
  const serverCpu = cpuWindow(serverPid);
  const workerCpu = workerPid === null ? null : cpuWindow(workerPid);
  const gen0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => oneClient(i, clients)));
  const wallMs = performance.now() - t0;
  const gen = process.cpuUsage(gen0);
  const server_ = serverCpu.stop();
  const worker_ = workerCpu?.stop();
  for (const c of clients) c.close();
  await sleep(500);
  const times = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const firstFailure = results.find((r) => r.status === 'rejected');
  return {
    clients: n,
    ok: times.length,
    failed: n - times.length,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: Math.max(...times),
    wallMs,
    joinsPerSec: (times.length * 1000) / wallMs,
    serverCpu: server_.share,
    workerCpu: worker_?.share ?? 0,
    generatorCpu: (gen.user + gen.system) / (wallMs * 1000),
    firstError:
      firstFailure && firstFailure.status === 'rejected' ? String(firstFailure.reason).slice(0, 200) : null,
  };
}
