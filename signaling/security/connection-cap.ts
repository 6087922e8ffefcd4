import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * At most `max` open TCP connections per client address on one server (HTTP
 * and socket.io share them). Without it, 500 half-open connections from one
 * host used every file descriptor of a 512-descriptor server and locked every
 * citizen out. A connection over the cap is closed at once, before any byte
 * is parsed. `max` 0 turns the cap off (behind a proxy every connection
 * comes from the proxy: cap there instead).
 */
export function capConnectionsPerAddress(
  server: Server,
  max: number,
  onRefused: (address: string) => void = () => undefined,
): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      onRefused(address);
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
