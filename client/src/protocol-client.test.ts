import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoomIdSchema } from '../../signaling/protocol/index.js';
import { GuichetError } from './errors.js';
import { ProtocolClient } from './protocol-client.js';
import { FakeSocket, NO_ANSWER } from './testing/fake-socket.js';

const PRODUCER = '0b7a9a6e-4c6b-4a0e-9f51-1f2a3b4c5d6e';

async function connected(socket: FakeSocket): Promise<ProtocolClient> {
  const pending = ProtocolClient.connect({ createSocket: () => socket });
  socket.fire('connect');
  return pending;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof GuichetError ? error.code : undefined;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ProtocolClient.connect', () => {
  it('rejects with the code the server put in connect_error', async () => {
    const socket = new FakeSocket();
    const pending = ProtocolClient.connect({ createSocket: () => socket });
    socket.fire('connect_error', Object.assign(new Error('refused'), { data: { code: 'PROTOCOL_VERSION' } }));
    expect(codeOf(await pending.catch((e: unknown) => e))).toBe('PROTOCOL_VERSION');
    expect(socket.disconnected).toBe(true);
  });

  it('hands the room to every socket it opens, for the proxy to hash on', async () => {
    const socket = new FakeSocket();
    const rooms: unknown[] = [];
    const pending = ProtocolClient.connect({
      room: RoomIdSchema.parse('room-hash-abcdef'),
      createSocket: (_url, _timeout, room) => {
        rooms.push(room);
        return socket;
      },
    });
    socket.fire('connect');
    await pending;
    expect(rooms).toEqual(['room-hash-abcdef']);
  });

  it('rejects with NETWORK when the connect error carries no code', async () => {
    const socket = new FakeSocket();
    const pending = ProtocolClient.connect({ createSocket: () => socket });
    socket.fire('connect_error', new Error('xhr poll error'));
    expect(codeOf(await pending.catch((e: unknown) => e))).toBe('NETWORK');
  });
});

describe('ProtocolClient.request', () => {
  it('resolves with the parsed data of an ok ack, minus unknown fields', async () => {
    const socket = new FakeSocket((event) =>
      event === 'produce' ? { ok: true, data: { producerId: PRODUCER, extra: 1 } } : NO_ANSWER,
    );
    const client = await connected(socket);
    const result = await client.request('produce', {
      transportId: PRODUCER,
      kind: 'audio',
      source: 'mic',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
    });
    expect(result).toEqual({ producerId: PRODUCER });
    client.close();
  });

  it('turns an empty result into {}', async () => {
    const socket = new FakeSocket(() => ({ ok: true, data: { producerId: PRODUCER, extra: 1 } }));
    const client = await connected(socket);
    const result = await client.request('closeProducer', { producerId: PRODUCER });
    expect(result).toEqual({});
    expect(socket.sent).toEqual([{ event: 'closeProducer', payload: { producerId: PRODUCER } }]);
  });

  it('rejects with the server code of an error ack', async () => {
    const socket = new FakeSocket(() => ({ ok: false, error: { code: 'WRONG_PASSWORD', message: 'nope' } }));
    const client = await connected(socket);
    const error = await client.request('leave', {}).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('WRONG_PASSWORD');
  });

  it('maps an unknown error code to INTERNAL, and a malformed answer to BAD_RESPONSE', async () => {
    let answer: unknown = { ok: false, error: { code: 'FROM_THE_FUTURE', message: 'x' } };
    const client = await connected(new FakeSocket(() => answer));
    expect(codeOf(await client.request('leave', {}).catch((e: unknown) => e))).toBe('INTERNAL');
    answer = { ok: true, data: { producerId: 'not-a-uuid' } };
    expect(
      codeOf(
        await client
          .request('produce', {
            transportId: PRODUCER,
            kind: 'audio',
            source: 'mic',
            rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] },
          })
          .catch((e: unknown) => e),
      ),
    ).toBe('BAD_RESPONSE');
    answer = 'hello';
    expect(codeOf(await client.request('leave', {}).catch((e: unknown) => e))).toBe('BAD_RESPONSE');
  });

  it('times out with TIMEOUT, and ignores a late answer', async () => {
    vi.useFakeTimers();
    const client = await (async () => {
      const socket = new FakeSocket();
      const pending = ProtocolClient.connect({ createSocket: () => socket });
      socket.fire('connect');
      return pending;
    })();
    const pending = client.request('leave', {}, 1_000).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(codeOf(await pending)).toBe('TIMEOUT');
  });

  it('fails pending requests at once when the socket drops, and tells the app', async () => {
    const socket = new FakeSocket();
    const client = await connected(socket);
    const onDisconnect = vi.fn();
    client.onDisconnect(onDisconnect);
    const pending = client.request('leave', {}).catch((e: unknown) => e);
    socket.fire('disconnect', 'transport close');
    expect(codeOf(await pending)).toBe('NETWORK');
    expect(onDisconnect).toHaveBeenCalledWith('transport close');
    expect(codeOf(await client.request('leave', {}).catch((e: unknown) => e))).toBe('NETWORK');
  });
});

describe('ProtocolClient.on', () => {
  it('delivers parsed events and drops malformed ones', async () => {
    const socket = new FakeSocket();
    const client = await connected(socket);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const seen: unknown[] = [];
    const off = client.on('peerLeft', (payload) => seen.push(payload));
    socket.fire('peerLeft', { peerId: 'p1', extra: true });
    socket.fire('peerLeft', { peerId: 42 });
    off();
    socket.fire('peerLeft', { peerId: 'p2' });
    expect(seen).toEqual([{ peerId: 'p1' }]);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});

describe('ProtocolClient.close', () => {
  it('is idempotent, rejects pending requests, and does not report a disconnect', async () => {
    const socket = new FakeSocket();
    const client = await connected(socket);
    const onDisconnect = vi.fn();
    client.onDisconnect(onDisconnect);
    const pending = client.request('leave', {}).catch((e: unknown) => e);
    client.close();
    client.close();
    expect(codeOf(await pending)).toBe('NETWORK');
    expect(socket.disconnected).toBe(true);
    expect(onDisconnect).not.toHaveBeenCalled();
    expect(client.isClosed).toBe(true);
  });
});
