import type { FastifyInstance } from 'fastify';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { AgentAuth } from '../signaling/auth/agent-auth.js';
import { createHttpApp } from '../signaling/http/app.js';
import { RoomService } from '../signaling/rooms/room-service.js';
import { PasswordHasher } from '../signaling/rooms/secrets.js';
import { MemoryRoomStore } from '../signaling/store/memory-room-store.js';
import { attachGateway } from '../signaling/ws/gateway.js';
import type { GatewayServer } from '../signaling/ws/socket-types.js';
import type { Config } from './config.js';
import { MediasoupBackend } from './media/mediasoup-backend.js';

/** socket.io drops a connection above this; the gateway's own, smaller cap answers INVALID_PAYLOAD below it. */
const SOCKET_MAX_BUFFER = 256 * 1024;

export interface Guichet {
  config: Config;
  http: FastifyInstance;
  io: GatewayServer;
  rooms: RoomService;
  media: MediasoupBackend;
  agents: AgentAuth;
  /** Address actually bound (port 0 in tests resolves here). */
  url: string;
  /** Refuse joins, tell clients to reconnect, wait for rooms to empty (up to drainMs), then close. */
  shutdown(drainMs: number): Promise<void>;
  close(): Promise<void>;
}

function defaultClientDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled: dist/server → dist/client. From sources (tsx, vitest): server → dist/client.
  return here.endsWith(`${sep}dist${sep}server`)
    ? join(here, '..', 'client')
    : join(here, '..', 'dist', 'client');
}

/**
 * The composition root: config → store → media → domain → http + ws.
 * Used by main.ts and by the integration and e2e tests, so they run the
 * very same wiring as production.
 */
export async function startGuichet(config: Config, log: Logger): Promise<Guichet> {
  const agents = new AgentAuth(config.agentJwt);
  const store = new MemoryRoomStore();
  const media = await MediasoupBackend.create(
    {
      count: config.media.workers,
      listenIp: config.media.listenIp,
      announcedAddress: config.media.announcedAddress,
      portBase: config.media.portBase,
      logLevel: config.media.workerLogLevel,
      respawnDelayMs: 500,
    },
    log,
  );
  const rooms = new RoomService({
    store,
    media,
    passwords: new PasswordHasher(config.secretKey),
    agents,
    log: log.child({ component: 'rooms' }),
    iceServersFor: () => [],
  });

  // Known once listening; PUBLIC_URL overrides it (it is required in production).
  let url = '';
  let http: FastifyInstance;
  try {
    http = await createHttpApp({
      log,
      rooms,
      agents,
      media,
      publicUrl: () => config.publicUrl ?? url,
      clientDir: config.clientDir ?? defaultClientDir(),
      trustProxy: config.trustProxy,
    });
  } catch (error) {
    await media.close();
    throw error;
  }
  const io: GatewayServer = new SocketServer(http.server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_BUFFER,
  });
  attachGateway({ io, rooms, log: log.child({ component: 'ws' }) });

  await http.listen({ host: config.host, port: config.port });
  const address = http.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : config.port;
  url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${boundPort}`;
  log.info({ url, workers: config.media.workers }, 'guichet listening');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      rooms.closeAll('server-shutdown');
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close().catch(() => undefined);
      await media.close();
      await store.close();
    })();
    return closing;
  };

  const shutdown = async (drainMs: number): Promise<void> => {
    rooms.stopAccepting();
    io.emit('reconnect', { afterMs: 1000 });
    const deadline = Date.now() + drainMs;
    while (rooms.participants > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await close();
  };

  return { config, http, io, rooms, media, agents, url, shutdown, close };
}
