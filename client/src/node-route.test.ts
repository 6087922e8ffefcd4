import { describe, expect, it } from 'vitest';
import { GuichetError } from './errors.js';
import { NodeRoute, socketTarget } from './node-route.js';
import { ProtocolClient } from './protocol-client.js';
import { FakeSocket } from './testing/fake-socket.js';

const ROOM = 'room-abcdef';

describe('socketTarget', () => {
  it('puts socket.io under the node path behind the TLS proxy, at the root otherwise', () => {
    expect(socketTarget('https://visio.example.fr/n/node-b')).toEqual({
      origin: 'https://visio.example.fr',
      path: '/n/node-b/socket.io',
    });
    expect(socketTarget('http://127.0.0.1:4100')).toEqual({
      origin: 'http://127.0.0.1:4100',
      path: '/socket.io',
    });
  });
});

describe('ProtocolClient following a room to its node', () => {
  /** A fake socket per node address: the home node redirects, the owner answers. */
  function cluster(answers: Record<string, (event: string) => unknown>) {
    const sockets = new Map<string, FakeSocket>();
    const createSocket = (url: string | undefined): FakeSocket => {
      const key = url ?? 'home';
      const socket = new FakeSocket(
        answers[key] ?? (() => ({ ok: false, error: { code: 'INTERNAL', message: 'x' } })),
      );
      sockets.set(key, socket);
      // The handshake completes once the caller listens.
      setTimeout(
        () => socket.fire(key === 'http://dead.test' ? 'connect_error' : 'connect', new Error('refused')),
        0,
      );
      return socket;
    };
    return { sockets, createSocket };
  }

  const elsewhere = (url: string) => () => ({
    ok: false,
    error: { code: 'ROOM_ELSEWHERE', message: 'elsewhere', location: url },
  });

  it('reconnects to the owner, joins there, and keeps its event subscriptions', async () => {
    const { sockets, createSocket } = cluster({
      home: elsewhere('http://owner.test'),
      'http://owner.test': (event) =>
        event === 'join' ? { ok: false, error: { code: 'WRONG_PASSWORD', message: 'no' } } : null,
    });
    const client = await ProtocolClient.connect({ createSocket });
    const events: unknown[] = [];
    client.on('peerLeft', (payload) => events.push(payload));
    const failure = await client
      .request('join', { roomId: ROOM, displayName: 'Camille', password: 'x' })
      .catch((error: unknown) => error);
    // The owner's own answer comes back: the join reached it.
    expect(failure).toBeInstanceOf(GuichetError);
    expect((failure as GuichetError).code).toBe('WRONG_PASSWORD');
    expect(sockets.get('home')?.disconnected).toBe(true);
    expect(sockets.get('home')?.listenerCount('peerLeft')).toBe(0);
    const owner = sockets.get('http://owner.test');
    expect(owner?.requests('join')).toHaveLength(1);
    owner?.fire('peerLeft', { peerId: 'p1' });
    expect(events).toEqual([{ peerId: 'p1' }]);
    client.close();
  });

  it('gives up after a few hops when nodes keep pointing elsewhere', async () => {
    const { sockets, createSocket } = cluster({
      home: elsewhere('http://b.test'),
      'http://b.test': elsewhere('http://c.test'),
      'http://c.test': elsewhere('http://b.test'),
    });
    const client = await ProtocolClient.connect({ createSocket });
    const failure = await client
      .request('join', { roomId: ROOM, displayName: 'Camille', password: 'x' })
      .catch((error: unknown) => error);
    // Reported as a passing failure, so an automatic rejoin tries again later.
    expect((failure as GuichetError).code).toBe('TIMEOUT');
    expect(sockets.size).toBe(3);
    client.close();
  });

  it('an unreachable owner fails the join with NETWORK (the caller retries)', async () => {
    const { createSocket } = cluster({ home: elsewhere('http://dead.test') });
    const client = await ProtocolClient.connect({ createSocket });
    const failure = await client
      .request('join', { roomId: ROOM, displayName: 'Camille', password: 'x' })
      .catch((error: unknown) => error);
    expect((failure as GuichetError).code).toBe('NETWORK');
  });
});

describe('NodeRoute', () => {
  it('falls back on the nodes the home node listed when the home node is unreachable', async () => {
    const route = new NodeRoute(
      async () => ({
        nodes: [
          { id: 'a', url: 'http://a.test' },
          { id: 'b', url: 'http://b.test/' },
        ],
      }),
      'http://a.test',
    );
    await route.refresh();
    expect(route.fallbacks).toEqual(['http://b.test']);
    const tried: (string | undefined)[] = [];
    const socket = await route.connect(undefined, async (url) => {
      tried.push(url);
      if (url === undefined) throw new GuichetError('NETWORK', 'refused');
      return `socket for ${url}`;
    });
    expect(socket).toBe('socket for http://b.test');
    expect(tried).toEqual([undefined, 'http://b.test']);
  });

  it('does not hide a refusal behind a fallback, and keeps its list when a refresh fails', async () => {
    let answer: unknown = { nodes: [{ id: 'b', url: 'http://b.test' }] };
    const route = new NodeRoute(async () => answer, undefined);
    await route.refresh();
    answer = { nodes: 'garbage' };
    await route.refresh();
    expect(route.fallbacks).toEqual(['http://b.test']);
    await expect(
      route.connect(undefined, async () => {
        throw new GuichetError('PROTOCOL_VERSION', 'refused');
      }),
    ).rejects.toMatchObject({ code: 'PROTOCOL_VERSION' });
  });
});
