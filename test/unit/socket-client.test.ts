import { describe, expect, it } from 'vitest';
import type { GatewaySocket } from '../../signaling/ws/socket-types.js';
import { socketClient } from '../../signaling/ws/socket-client.js';

/** Only the handshake is read. */
const socketWith = (handshake: {
  address: string;
  headers: Record<string, string | string[]>;
  query: Record<string, string | string[]>;
}): GatewaySocket => ({ handshake }) as unknown as GatewaySocket;

const proxied = socketWith({
  address: '172.18.0.5',
  headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'x-guichet-route': 'room' },
  query: { room: 'room-1' },
});

describe('socketClient', () => {
  it('without TRUST_PROXY: the TCP peer, and no header believed', () => {
    const client = socketClient(proxied, false);
    expect(client.address).toBe('172.18.0.5');
    expect(client.routeFor('room-1')).toEqual({ routedByRoom: false });
  });

  it("with TRUST_PROXY: the proxy's own X-Forwarded-For entry, not the client's claim before it", () => {
    expect(socketClient(proxied, true).address).toBe('203.0.113.7');
    const direct = socketWith({ address: '10.0.0.9', headers: {}, query: {} });
    expect(socketClient(direct, true).address).toBe('10.0.0.9');
  });

  it('routed by room only for the room the socket was hashed on, and only with the header', () => {
    const client = socketClient(proxied, true);
    expect(client.routeFor('room-1')).toEqual({ routedByRoom: true });
    expect(client.routeFor('room-2')).toEqual({ routedByRoom: false });
    const unrouted = socketWith({ address: '172.18.0.5', headers: {}, query: { room: 'room-1' } });
    expect(socketClient(unrouted, true).routeFor('room-1')).toEqual({ routedByRoom: false });
  });
});
