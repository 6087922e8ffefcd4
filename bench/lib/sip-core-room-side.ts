import { randomBytes } from 'node:crypto';
import { OpusEncoder } from '../../sip-gateway/media/opus.js';
import { apiClient } from '../../test/helpers/api.js';
import { AudioReceiver, AudioSender } from '../../test/helpers/rtc-peer.js';
import { SignalingClient } from '../../test/helpers/signaling-client.js';
import { BenchServer } from './server-process.js';
import type { RoomSide } from './sip-room-side.js';

/*
 * The REAL room core for the phone bench: the Guichet server (its own
 * process with one mediasoup worker, on the load core) and, per call, an
 * appointment (its PIN is what the caller types) with one WebRTC
 * participant, the agent: a werift peer (ICE, DTLS, SRTP) that produces
 * real Opus (a 600 Hz tone, 50 frames a second), admits the caller when it
 * knocks, and consumes the caller's audio on a second werift peer. The
 * gateway joins as a phone member with its service token, on a plain RTP
 * transport, and mixes the agent for the caller.
 */

interface BenchRoom {
  pin: string;
  agent: SignalingClient;
  sender: AudioSender;
  receivers: AudioReceiver[];
}

/** One second of a 600 Hz tone as Opus frames, shared by every agent. */
function agentVoice(): Buffer[] {
  const encoder = new OpusEncoder();
  return Array.from({ length: 50 }, (_, n) =>
    Buffer.from(
      encoder.encode(
        Int16Array.from({ length: 960 }, (_, i) =>
          Math.round(8000 * Math.sin((2 * Math.PI * 600 * (n * 960 + i)) / 48000)),
        ),
      ),
    ),
  );
}

export interface CoreRoomSide extends RoomSide {
  readonly server: BenchServer;
  /** Rooms whose agent received the caller's audio (packets counted by its werift receiver). */
  callerPackets(): number[];
}

export async function coreRoomSide(core: string): Promise<CoreRoomSide> {
  const serviceToken = randomBytes(24).toString('hex');
  const server = await BenchServer.start(core, {
    BENCH_SIP_SERVICE_TOKEN: serviceToken,
    BENCH_PORT: '18380',
    BENCH_MEDIA_PORT_BASE: '40300',
  });
  const api = apiClient(server.url, server.agentToken);
  const voice = agentVoice();
  const rooms: BenchRoom[] = [];

  async function addRoom(i: number): Promise<BenchRoom> {
    const view = await api.book({
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      durationMinutes: 60,
      citizen: { displayName: `Appelant ${i}`, email: `appelant${i}@example.org` },
      channels: ['email'],
    });
    const agent = await SignalingClient.connect(server.url);
    await agent.request('join', { roomId: view.roomId, displayName: 'Agent', token: server.agentToken });
    const sender = await AudioSender.start(agent, i, (counter) => voice[counter % voice.length]!);
    const room: BenchRoom = { pin: view.dialIn.pin, agent, sender, receivers: [] };
    agent.socket.on('knock', (event: { peer: { peerId: string } }) => {
      if (process.env['BENCH_SIP_DEBUG'] === '1')
        console.error(`bench: room ${i} knock ${event.peer.peerId}`);
      // At once, on the knock: the hardest case for the gateway's join (its handlers must be on first).
      void agent.request('admit', { peerId: event.peer.peerId }).catch((error: unknown) => {
        if (process.env['BENCH_SIP_DEBUG'] === '1') console.error(`bench: admit failed: ${String(error)}`);
      });
    });
    agent.socket.on(
      'newProducer',
      (event: { peerId: string; producer: { producerId: string; kind: string } }) => {
        if (event.producer.kind !== 'audio') return;
        void AudioReceiver.start(agent, event.producer.producerId).then(
          (receiver) => room.receivers.push(receiver),
          () => undefined,
        );
      },
    );
    return room;
  }

  return {
    name: 'core',
    server,
    gatewayScript: 'bench/lib/sip-gateway-bench.ts',
    gatewayEnv: () => ({ BENCH_SIP_ROOM: 'core', GUICHET_URL: server.url, SIP_SERVICE_TOKEN: serviceToken }),
    async prepare(calls) {
      // A few at a time: each is a booking, a join and a DTLS handshake on a loaded core.
      while (rooms.length < calls) {
        const batch = Math.min(5, calls - rooms.length);
        const start = rooms.length;
        rooms.push(...(await Promise.all(Array.from({ length: batch }, (_, k) => addRoom(start + k)))));
      }
      return rooms.slice(0, calls).map((r) => r.pin);
    },
    callerPackets: () => rooms.map((r) => r.receivers.reduce((n, x) => n + x.foreign + x.packets.length, 0)),
    release: () => Promise.resolve(),
    async close() {
      for (const room of rooms) {
        await Promise.all([room.sender.close(), ...room.receivers.map((r) => r.close())]);
        room.agent.close();
      }
      await server.stop();
    },
  };
}
