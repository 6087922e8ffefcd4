import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DUMMY_DTLS } from '../../bench/lib/bench-media.js';
import { AckSchema, type TransportOptions } from '../../signaling/protocol/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * Socket messages per connection (issue #14), against the real server with
 * its default cap (a burst of 100, then 20 a second, closed after 200 more
 * refusals): a real socket.io client floods one connection; a normal join
 * on a new connection works afterwards; and a whole call of six people sent
 * as fast as the protocol allows stays under the cap.
 */

const refusedCount = async (server: TestServer, cap: string): Promise<number> => {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const match = new RegExp(`guichet_abuse_refused_total\\{cap="${cap}"\\} (\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
};

/** Emits without waiting for the answer; the ack (or 'unanswered' if the socket closed first). */
const fire = (client: SignalingClient, name: string, payload: unknown): Promise<unknown> =>
  client.socket
    .timeout(15_000)
    .emitWithAck(name, payload)
    .then(
      (answer: unknown) => AckSchema.parse(answer),
      () => 'unanswered',
    );

const opus = (ssrc: number) => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
  rtcp: { cname: `c${ssrc}`, reducedSize: true },
});
const vp8 = (ssrc: number) => ({
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc }],
  rtcp: { cname: `c${ssrc}`, reducedSize: true },
});

describe('socket messages per connection (real server, real socket.io client)', () => {
  let server: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  const host = async (): Promise<{ client: SignalingClient; roomId: string; password: string }> => {
    const { roomId, password } = await server.createRoom();
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    await client.request('join', { roomId, displayName: 'Agent', token: server.agentToken() });
    return { client, roomId, password };
  };

  it('answers RATE_LIMITED past the burst, then closes a connection that keeps flooding', async () => {
    const { client } = await host();
    const before = await refusedCount(server, 'socket-messages');
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => fire(client, 'routerCapabilities', {})),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const ok = answers.filter((a) => typeof a === 'object' && a !== null && Reflect.get(a, 'ok') === true);
    const refused = answers.filter((a) => AckSchema.safeParse(a).data?.ok === false);
    // Every message answered in the envelope; the join took one token of the 100.
    expect(ok.length + refused.length).toBe(150);
    expect(ok.length).toBeGreaterThanOrEqual(99);
    expect(ok.length).toBeLessThanOrEqual(100 + Math.ceil(elapsedS * 20));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        retryAfterSeconds: 1,
        message: expect.stringMatching(/too many messages/),
      },
    });
    expect(await refusedCount(server, 'socket-messages')).toBeGreaterThanOrEqual(before + refused.length);
    expect(client.socket.connected).toBe(true);

    // Well past the cap: 1,000 more at once, under any event name. The server says why, then closes.
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const flood = Array.from({ length: 1000 }, (_, i) =>
      fire(client, i % 2 ? 'routerCapabilities' : 'no-such-event', { i }),
    );
    expect(await disconnected).toBe('io server disconnect');
    expect(client.received('kicked')).toEqual([
      { code: 'RATE_LIMITED', message: 'too many messages on this connection; connection closed' },
    ]);
    const outcomes = await Promise.all(flood);
    const codes = outcomes.map((a) => {
      const parsed = AckSchema.safeParse(a);
      return parsed.success ? (parsed.data.ok ? 'ok' : parsed.data.error.code) : String(a);
    });
    // Only refusals (and what was cut off by the close); never INTERNAL.
    expect(codes.filter((c) => !['ok', 'RATE_LIMITED', 'unanswered'].includes(c))).toEqual([]);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(100);
    expect(await refusedCount(server, 'socket-flood-disconnect')).toBe(1);

    // The server stays up, and a new connection joins as usual.
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    const next = await host();
    expect(await next.client.request('routerCapabilities', {})).toHaveProperty('routerRtpCapabilities');
    expect(next.client.socket.connected).toBe(true);
  });

  it('a whole call of six, sent as fast as the protocol allows, stays well under the cap', async () => {
    const { roomId, password } = await server.createRoom();
    const people = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const client = await SignalingClient.connect(server.baseUrl);
        clients.push(client);
        return client;
      }),
    );
    const sent = new Map<SignalingClient, string[]>(people.map((p) => [p, []]));
    const refusals: string[] = [];
    const send = async (person: SignalingClient, name: string, payload: unknown): Promise<unknown> => {
      sent.get(person)?.push(name);
      const ack = AckSchema.parse(await person.socket.timeout(15_000).emitWithAck(name, payload));
      if (!ack.ok) {
        refusals.push(`${name}: ${ack.error.code} ${ack.error.message}`);
        return null;
      }
      return ack.data;
    };
    const Joined = z.object({
      peerId: z.string(),
      transports: z.object({
        send: z.custom<TransportOptions>(),
        recv: z.custom<TransportOptions>(),
      }),
    });
    const Capabilities = z.object({ routerRtpCapabilities: z.unknown() });
    const Produced = z.object({ producerId: z.string() });
    const Consumed = z.object({ consumerId: z.string() });

    // Each person, all at once: join with both transports (the first as the agent), read the
    // router's capabilities, connect both transports, produce mic and camera, say hello.
    const sides = await Promise.all(
      people.map(async (person, index) => {
        const credentials = index === 0 ? { token: server.agentToken() } : { password };
        const joined = Joined.parse(
          await send(person, 'join', {
            roomId,
            displayName: index === 0 ? 'Agent' : `Citizen ${index}`,
            ...credentials,
            transports: ['send', 'recv'],
          }),
        );
        const { routerRtpCapabilities } = Capabilities.parse(await send(person, 'routerCapabilities', {}));
        const { send: out, recv } = joined.transports;
        await Promise.all([
          send(person, 'connectTransport', { transportId: out.id, dtlsParameters: DUMMY_DTLS }),
          send(person, 'connectTransport', { transportId: recv.id, dtlsParameters: DUMMY_DTLS }),
        ]);
        const ssrc = 10_000 + index * 10;
        const producers = await Promise.all([
          send(person, 'produce', {
            transportId: out.id,
            kind: 'audio',
            source: 'mic',
            rtpParameters: opus(ssrc),
          }),
          send(person, 'produce', {
            transportId: out.id,
            kind: 'video',
            source: 'camera',
            rtpParameters: vp8(ssrc + 1),
          }),
        ]);
        await send(person, 'chat', { text: `bonjour ${index}` });
        return {
          person,
          recv,
          routerRtpCapabilities,
          producerIds: producers.map((p) => Produced.parse(p).producerId),
        };
      }),
    );
    // Then everyone consumes and resumes everyone else's two tracks, all at once.
    await Promise.all(
      sides.map(async (side) => {
        const others = sides.filter((o) => o !== side).flatMap((o) => o.producerIds);
        await Promise.all(
          others.map(async (producerId) => {
            const consumer = Consumed.parse(
              await send(side.person, 'consume', {
                transportId: side.recv.id,
                producerId,
                rtpCapabilities: side.routerRtpCapabilities,
              }),
            );
            await send(side.person, 'resumeConsumer', { consumerId: consumer.consumerId });
          }),
        );
      }),
    );
    expect(refusals).toEqual([]);
    const counts = [...sent.values()].map((names) => names.length);
    console.log(`socket-message-cap: a call of six, messages per connection: ${counts.join(', ')}`);
    // 1 join + 1 capabilities + 2 connects + 2 produces + 1 chat + 10 consumes + 10 resumes.
    expect(counts).toEqual([27, 27, 27, 27, 27, 27]);
    for (const person of people) expect(person.socket.connected).toBe(true);
  });
});
