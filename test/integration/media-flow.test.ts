import { afterEach, describe, expect, it, vi } from 'vitest';
import { AudioReceiver, AudioSender } from '../helpers/rtc-peer.js';
import { startTestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';
import { Owned } from '../helpers/owned.js';

/*
 * The whole path with real parts: REST room, socket.io signaling, a real
 * mediasoup worker, and werift peers doing ICE, DTLS and SRTP on 127.0.0.1.
 */

/** 50 packets at 50 packets/s take one second; the rest is slack for ICE, DTLS and a loaded machine. */
const MEDIA_DEADLINE = { timeout: 10_000, interval: 50 };
const EVENT_DEADLINE = { timeout: 5_000, interval: 20 };
const WANTED_PACKETS = 50;

const resources = new Owned();
const owned = <T>(resource: T, stop: (resource: T) => unknown): T => resources.add(resource, stop);
afterEach(() => resources.stopAll());

describe('media flow (real mediasoup worker, werift peers)', () => {
  it("carries A's audio to B through the SFU, and tells A when B leaves", async () => {
    const server = owned(await startTestServer(), (s) => s.close());
    const { roomId, password } = await server.createRoom();
    const alice = owned(await SignalingClient.connect(server.baseUrl), (c) => c.close());
    const bob = owned(await SignalingClient.connect(server.baseUrl), (c) => c.close());

    const joinedA = await alice.request('join', { roomId, displayName: 'Alice', password });
    const joinedB = await bob.request('join', { roomId, displayName: 'Bob', password });
    expect(joinedB.peers.map((p) => p.peerId)).toEqual([joinedA.peerId]);
    await vi.waitFor(
      () => expect(alice.received('peerJoined').map((e) => e.peer.peerId)).toEqual([joinedB.peerId]),
      EVENT_DEADLINE,
    );

    const sender = owned(await AudioSender.start(alice, 0xa11ce), (s) => s.close());
    await vi.waitFor(
      () =>
        expect(bob.received('newProducer')).toEqual([
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

    // Really A's media: every payload is byte-exact what A's sender wrote, in A's order.
    const packets = [...receiver.packets];
    expect(receiver.foreign).toBe(0);
    expect(new Set(packets.map((p) => p.tag))).toEqual(new Set([sender.tag]));
    const counters = packets.map((p) => p.counter);
    for (let i = 1; i < counters.length; i += 1) expect(counters[i]).toBeGreaterThan(counters[i - 1] ?? -1);
    expect(counters.at(-1)).toBeLessThan(sender.written);
    // Loopback with no congestion: the SFU forwards what it gets, so the run is (nearly) gapless.
    const span = (counters.at(-1) ?? 0) - (counters[0] ?? 0) + 1;
    expect(span - counters.length).toBeLessThanOrEqual(2);
    console.log(
      `media-flow: ${packets.length} packets received (counters ${counters[0]}..${counters.at(-1)}), ${sender.written} written`,
    );

    await bob.request('leave', {});
    await vi.waitFor(
      () => expect(alice.received('peerLeft')).toEqual([{ peerId: joinedB.peerId }]),
      EVENT_DEADLINE,
    );
  }, 45_000); // the sum of the step deadlines above, so a slow step fails with its own message
});
