import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AudioReceiver, AudioSender } from '../helpers/rtc-peer.js';
import { startTestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';
import { Owned } from '../helpers/owned.js';

/*
 * Fault injection with the real worker: SIGKILL the mediasoup process in the
 * middle of a call. The room survives it: its members keep their places, the
 * room's media is reopened on a live worker (the pool's replacement here),
 * the members are told (`mediaRestarted`) and rebuild their transports on
 * the same sockets, without joining again.
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

/** A sends, B consumes A's producer; resolves once B has counted enough of A's packets. */
async function startMedia(
  alice: SignalingClient,
  bob: SignalingClient,
  alicePeerId: string,
  tag: number,
): Promise<{ sender: AudioSender; receiver: AudioReceiver }> {
  const sender = owned(await AudioSender.start(alice, tag), (s) => s.close());
  // Events pile up across the two media sessions; this one's producer is the new one.
  await vi.waitFor(
    () =>
      expect(bob.received('newProducer').filter((e) => e.producer.producerId === sender.producerId)).toEqual([
        {
          peerId: alicePeerId,
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
  it('killing the worker mid-call keeps the room and its members; media is reopened on a live worker and carries again without a rejoin', async () => {
    const server = owned(await startTestServer(), (s) => s.close());
    const room = await server.createRoom();
    const alice = owned(await SignalingClient.connect(server.baseUrl), (c) => c.close());
    const bob = owned(await SignalingClient.connect(server.baseUrl), (c) => c.close());
    const { roomId, password } = room;
    const joinedA = await alice.request('join', { roomId, password, displayName: 'Alice' });
    const joinedB = await bob.request('join', { roomId, password, displayName: 'Bob' });
    expect(joinedB.peers.map((p) => p.peerId)).toEqual([joinedA.peerId]);

    const first = await startMedia(alice, bob, joinedA.peerId, 0xf1257);
    const pids = server.guichet.media.workerPids();
    const deadPid = pids[0];
    if (pids.length !== 1 || deadPid === undefined) throw new Error(`expected one worker, got pids ${pids}`);
    const killedAt = performance.now();
    process.kill(deadPid, 'SIGKILL');

    // Both are told the media moved; each sees the other, still there, with no producer yet.
    await vi.waitFor(() => {
      expect(alice.received('mediaRestarted')).toHaveLength(1);
      expect(bob.received('mediaRestarted')).toHaveLength(1);
    }, RESPAWN_DEADLINE);
    const restartedMs = performance.now() - killedAt;
    expect(bob.received('mediaRestarted')[0]?.peers).toMatchObject([
      { peerId: joinedA.peerId, state: 'admitted', producers: [] },
    ]);
    expect(alice.received('roomClosed')).toEqual([]);
    expect(bob.received('roomClosed')).toEqual([]);
    expect(server.guichet.rooms.participants).toBe(2);
    // The process survived the worker: HTTP still answers, honestly.
    expect(['degraded', 'ok']).toContain((await health(server.baseUrl)).status);
    await first.sender.close();
    await first.receiver.close();

    await vi.waitFor(async () => {
      expect(await health(server.baseUrl)).toMatchObject({ status: 'ok', workersAlive: 1, workersTotal: 1 });
    }, RESPAWN_DEADLINE);
    const freshPids = server.guichet.media.workerPids();
    expect(freshPids).toHaveLength(1);
    expect(freshPids).not.toContain(deadPid);

    // Same sockets, same members, same peer ids: only the media is new.
    const second = await startMedia(alice, bob, joinedA.peerId, 0x5ec0d);
    console.log(
      `worker-fault: mediaRestarted ${restartedMs.toFixed(0)} ms after the kill; ${first.receiver.packets.length} packets before, ${second.receiver.packets.length} after, ${(performance.now() - killedAt).toFixed(0)} ms from kill to media again`,
    );
  }, 60_000); // the sum of the step deadlines above, so a slow step fails with its own message
});
