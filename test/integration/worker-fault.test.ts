import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AudioReceiver, AudioSender } from '../helpers/rtc-peer.js';
import { startTestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';
import { Owned } from '../helpers/owned.js';

/*
 * Fault injection with the real worker: SIGKILL the mediasoup process in the
 * middle of a call. The design says only that worker's rooms fail, their
 * peers are told, the pool respawns a worker, and peers rejoin on it.
 */

const MEDIA_DEADLINE = { timeout: 10_000, interval: 50 };
const EVENT_DEADLINE = { timeout: 5_000, interval: 20 };
/** The pool waits 500 ms before respawning; allow for a slow machine. */
const RESPAWN_DEADLINE = { timeout: 10_000, interval: 100 };
const WANTED_PACKETS = 50;

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  workersAlive: z.number().int().nonnegative(),
  workersTotal: z.number().int().positive(),
});

async function health(baseUrl: string): Promise<z.infer<typeof HealthSchema>> {
  const response = await fetch(`${baseUrl}/health`);
  expect(response.status).toBe(200);
  return HealthSchema.parse(await response.json());
}

const resources = new Owned();
const owned = <T>(resource: T, stop: (resource: T) => unknown): T => resources.add(resource, stop);
afterEach(() => resources.stopAll());

/** Both clients join (again, after a failure), A sends, B consumes; resolves once B has counted enough of A's packets. */
async function startCall(
  alice: SignalingClient,
  bob: SignalingClient,
  room: { roomId: string; password: string },
  tag: number,
): Promise<{ sender: AudioSender; receiver: AudioReceiver }> {
  const { roomId, password } = room;
  const joinedA = await alice.request('join', { roomId, password, displayName: 'Alice' });
  const joinedB = await bob.request('join', { roomId, password, displayName: 'Bob' });
  expect(joinedB.peers.map((p) => p.peerId)).toEqual([joinedA.peerId]);

  const sender = owned(await AudioSender.start(alice, tag), (s) => s.close());
  // Events pile up across the two calls; this call's producer is the one from A's new peerId.
  await vi.waitFor(
    () =>
      expect(bob.received('newProducer').filter((e) => e.peerId === joinedA.peerId)).toEqual([
        {
          peerId: joinedA.peerId,
          producer: { producerId: sender.producerId, kind: 'audio', source: 'mic', paused: false },
        },
      ]),
    EVENT_DEADLINE,
  );
  const receiver = owned(await AudioReceiver.start(bob, sender.producerId), (r) => r.close());
  await vi.waitFor(() => {
    expect(
      receiver.packets.length,
      `received ${receiver.packets.length + receiver.foreign}; send ${sender.connectionState}, recv ${receiver.connectionState}`,
    ).toBeGreaterThanOrEqual(WANTED_PACKETS);
  }, MEDIA_DEADLINE);
  expect(receiver.foreign).toBe(0);
  expect(new Set(receiver.packets.map((p) => p.tag))).toEqual(new Set([tag]));
  return { sender, receiver };
}

describe('media worker fault', () => {
  it('killing the worker mid-call closes only its room, keeps the server up, and a rejoin carries media again', async () => {
    const server = owned(await startTestServer(), (s) => s.close());
    const room = await server.createRoom();
    const alice = owned(await SignalingClient.connect(server.baseUrl), (c) => c.close());
    const bob = owned(await SignalingClient.connect(server.baseUrl), (c) => c.close());

    const first = await startCall(alice, bob, room, 0xf1257);
    const pids = server.guichet.media.workerPids();
    const deadPid = pids[0];
    if (pids.length !== 1 || deadPid === undefined) throw new Error(`expected one worker, got pids ${pids}`);
    process.kill(deadPid, 'SIGKILL');

    await vi.waitFor(() => {
      expect(alice.received('roomClosed')).toEqual([{ reason: 'media-failure' }]);
      expect(bob.received('roomClosed')).toEqual([{ reason: 'media-failure' }]);
    }, EVENT_DEADLINE);
    // The process survived the worker: HTTP still answers, honestly.
    expect(['degraded', 'ok']).toContain((await health(server.baseUrl)).status);
    // The old call's media plane is gone; its peers would tear down their transports now.
    await first.sender.close();
    await first.receiver.close();

    await vi.waitFor(async () => {
      expect(await health(server.baseUrl)).toMatchObject({ status: 'ok', workersAlive: 1, workersTotal: 1 });
    }, RESPAWN_DEADLINE);
    const freshPids = server.guichet.media.workerPids();
    expect(freshPids).toHaveLength(1);
    expect(freshPids).not.toContain(deadPid);

    // Same sockets, same room: the gateway lets a peer whose room closed join again.
    const second = await startCall(alice, bob, room, 0x5ec0d);
    console.log(
      `worker-fault: ${first.receiver.packets.length} packets before the kill, ${second.receiver.packets.length} after the rejoin`,
    );
  }, 60_000); // the sum of the step deadlines above, so a slow step fails with its own message
});
