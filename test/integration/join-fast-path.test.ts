import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

/*
 * The short join a browser makes, against the real worker: transports in
 * the join answer, the send transport connected by its first produce.
 */
describe('join fast path', () => {
  let server: TestServer;
  let room: { roomId: string; password: string };
  const clients: SignalingClient[] = [];

  const fingerprint = (byte: string) => ({
    role: 'server' as const,
    fingerprints: [
      { algorithm: 'sha-256' as const, value: Array.from({ length: 32 }, () => byte).join(':') },
    ],
  });
  // Each producer on a transport needs its own mid.
  const opus = (ssrc: number) => ({
    mid: String(ssrc),
    codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc }],
    rtcp: { cname: 'fast-path', reducedSize: true },
  });

  beforeAll(async () => {
    server = await startTestServer();
    room = await server.guichet.rooms.createRoom('agent-1', null);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  const joinWithTransports = async () => {
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    const joined = await client.request('join', {
      roomId: room.roomId,
      displayName: 'Marie',
      password: room.password,
      transports: ['recv', 'send'],
    });
    const send = joined.transports?.send;
    const recv = joined.transports?.recv;
    if (!send || !recv) throw new Error('the join answer lacks a transport');
    return { client, send, recv };
  };

  it('asks to be the DTLS client on every transport it hands out', async () => {
    const { send, recv } = await joinWithTransports();
    expect(send.dtlsParameters.role).toBe('client');
    expect(recv.dtlsParameters.role).toBe('client');
  });

  it('connects the send transport with the first produce, and only once', async () => {
    const { client, send } = await joinWithTransports();
    const { producerId } = await client.request('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opus(1111),
      dtlsParameters: fingerprint('AB'),
    });
    expect(producerId).toMatch(/\S/);
    // Connected now: a second set of DTLS parameters is refused, by either route.
    expect(
      await client.raw('connectTransport', { transportId: send.id, dtlsParameters: fingerprint('CD') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('already connected') },
    });
    expect(
      await client.raw('produce', {
        transportId: send.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opus(2222),
        dtlsParameters: fingerprint('CD'),
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    // Without them, a second producer on the same transport is fine.
    expect(
      await client.raw('produce', {
        transportId: send.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opus(3333),
      }),
    ).toMatchObject({ ok: true });
  });

  it('refuses malformed DTLS parameters on produce with the field named', async () => {
    const { client, send } = await joinWithTransports();
    const ack = await client.raw('produce', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opus(4444),
      dtlsParameters: { role: 'server', fingerprints: [] },
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(JSON.stringify(ack)).toContain('dtlsParameters');
  });
});
