import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';
import { SOCKET_SERVER_OPTIONS } from '../../signaling/ws/socket-types.js';
import { spawnReady, stopChild } from './server-process.js';

/*
 * The floor for the join benchmark: socket.io alone, with the options the
 * Guichet server uses, answering one request with an empty ack. Whatever a
 * wave of connections costs here, Guichet's joins can't cost less; it is
 * measured in the same run, on the same core.
 */

const ReadySchema = z.object({ ready: z.literal(true), url: z.string(), pid: z.number() });

if (process.argv[1]?.endsWith('bare-socketio.ts')) {
  const http = createServer();
  const io = new Server(http, SOCKET_SERVER_OPTIONS);
  io.on('connection', (socket) => {
    socket.on('join', (_payload: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack({ ok: true, data: {} });
    });
  });
  http.listen(0, '127.0.0.1', () => {
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, pid: process.pid }));
  });
  process.on('SIGTERM', () => {
    void io.close();
    process.exit(0);
  });
}

export class BareSocketIo {
  private constructor(
    private readonly child: Awaited<ReturnType<typeof spawnReady>>['child'],
    readonly url: string,
    readonly pid: number,
  ) {}

  static async start(core: string): Promise<BareSocketIo> {
    const { child, ready } = await spawnReady(core, 'bench/lib/bare-socketio.ts', ReadySchema);
    return new BareSocketIo(child, ready.url, ready.pid);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
