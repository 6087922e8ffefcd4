import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../signaling/protocol/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SignalingClient } from '../helpers/signaling-client.js';

describe('signaling: bad input gets a clear error and the connection stays up', () => {
  let server: TestServer;
  let room: { roomId: string; password: string };
  const clients: SignalingClient[] = [];

  const connect = async (): Promise<SignalingClient> => {
    const client = await SignalingClient.connect(server.baseUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer();
    room = await server.createRoom();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a client speaking another protocol version', async () => {
    await expect(SignalingClient.connect(server.baseUrl, 999)).rejects.toMatchObject({
      data: { code: 'PROTOCOL_VERSION', expected: 1 },
    });
  });

  it('refuses a wrong password, and gives no media access', async () => {
    const client = await connect();
    const ack = await client.raw('join', {
      roomId: room.roomId,
      displayName: 'Eve',
      password: 'AAA-AAA-AAA',
    });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'WRONG_PASSWORD', message: 'unknown room or wrong password' },
    });
    const transport = await client.raw('createTransport', { direction: 'recv' });
    expect(transport).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  });

  it('refuses an unknown room with the wrong-password answer: the error never tells whether a room exists', async () => {
    const client = await connect();
    const ack = await client.raw('join', { roomId: 'nope-nope-nope', displayName: 'Eve', password: 'x' });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'WRONG_PASSWORD', message: 'unknown room or wrong password' },
    });
  });

  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [1, 2]],
    ['null', null],
    ['wrong types', { roomId: 7, displayName: {}, password: true }],
    ['extra keys', { roomId: 'abcd-efgh-ijkm', displayName: 'Eve', password: 'x', role: 'host' }],
    [
      'a transport asked twice',
      { roomId: 'abcd-efgh-ijkm', displayName: 'Eve', password: 'x', transports: ['send', 'send'] },
    ],
    [
      'an unknown transport direction',
      { roomId: 'abcd-efgh-ijkm', displayName: 'Eve', password: 'x', transports: ['up'] },
    ],
  ])('answers INVALID_PAYLOAD to %s and stays connected', async (_label, payload) => {
    const client = await connect();
    const ack = await client.raw('join', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(client.socket.connected).toBe(true);
    // The same connection still works.
    const good = await client.raw('join', {
      roomId: room.roomId,
      displayName: 'Marie',
      password: room.password,
    });
    expect(good).toMatchObject({ ok: true });
  });

  it('answers INVALID_PAYLOAD to an oversized message and stays connected', async () => {
    const client = await connect();
    const ack = await client.raw('join', {
      roomId: room.roomId,
      displayName: 'Marie',
      password: room.password,
      token: 'x'.repeat(MAX_MESSAGE_CHARS + 1),
    });
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('too large') },
    });
    expect(client.socket.connected).toBe(true);
    expect(
      await client.raw('join', { roomId: room.roomId, displayName: 'Marie', password: room.password }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('lists the bad fields of a malformed media request', async () => {
    const client = await connect();
    await client.request('join', { roomId: room.roomId, displayName: 'Marie', password: room.password });
    const ack = await client.raw('produce', {
      transportId: 'nope',
      kind: 'smell',
      rtpParameters: {},
      source: 'mic',
    });
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe('INVALID_PAYLOAD');
      expect(ack.error.fields?.map((f) => f.path)).toEqual(
        expect.arrayContaining(['transportId', 'kind', 'rtpParameters.codecs']),
      );
    }
  });

  it("refuses requests on another peer's objects and a second join", async () => {
    const a = await connect();
    const b = await connect();
    await a.request('join', { roomId: room.roomId, displayName: 'A', password: room.password });
    await b.request('join', { roomId: room.roomId, displayName: 'B', password: room.password });
    const transport = await a.request('createTransport', { direction: 'send' });
    const stolen = await b.raw('connectTransport', {
      transportId: transport.id,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await b.raw('join', { roomId: room.roomId, displayName: 'B', password: room.password }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_JOINED' },
    });
  });

  it('ignores a request sent without an ack callback', async () => {
    const client = await connect();
    client.socket.emit('join', { roomId: room.roomId, displayName: 'NoAck', password: room.password });
    expect(await client.raw('routerCapabilities', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
  });
});
