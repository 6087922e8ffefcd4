import { createSocket, type Socket } from 'node:dgram';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediasoupBackend } from '../../server/media/mediasoup-backend.js';
import { AppError } from '../../signaling/errors.js';
import { PeerIdSchema, RoomIdSchema } from '../../signaling/protocol/index.js';
import type { MediaRoomListener } from '../../signaling/rooms/media-port.js';
import { Owned } from '../helpers/owned.js';

/*
 * The media port's plain RTP transports (for the phone gateway) against a
 * real worker: a "caller" sends Opus RTP over UDP to a comedia transport,
 * and a second plain transport with an explicit remote address forwards the
 * room's audio to another UDP socket. Video on a plain transport is refused.
 */

const resources = new Owned();
afterEach(() => resources.stopAll());
const log = pino({ level: 'silent' });
const listener: MediaRoomListener = {
  consumerClosed: () => undefined,
  activeSpeaker: () => undefined,
  failed: () => undefined,
};
const OPUS_PT = 111;
const CALLER_SSRC = 0x11223344;

function rtpPacket(seq: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = OPUS_PT;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * 960) >>> 0, 4);
  header.writeUInt32BE(CALLER_SSRC, 8);
  // An Opus TOC byte (SILK, 20 ms, mono) and a few bytes of frame.
  return Buffer.concat([header, Buffer.from([0x08, 0x01, 0x02, 0x03, 0x04])]);
}

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return resources.add(socket, (s) => s.close());
}

describe('plain RTP transports (phone gateway) on a real worker', () => {
  it('takes Opus from a comedia caller and forwards the room’s audio to an explicit remote', async () => {
    const backend = resources.add(
      await MediasoupBackend.create(
        {
          count: 1,
          listenIp: '127.0.0.1',
          announcedAddress: undefined,
          portBase: 25_200 + (process.pid % 50),
          logLevel: 'warn',
          respawnDelayMs: 500,
        },
        log,
      ),
      (b) => b.close(),
    );
    const room = await backend.openRoom(RoomIdSchema.parse('plain-rtp-test'), listener, log);
    const caller = PeerIdSchema.parse('caller');
    const listenerPeer = PeerIdSchema.parse('listener');

    // The caller's leg: comedia, so the worker answers wherever our packets come from.
    const inbound = await room.createPlainTransport(caller, { comedia: true });
    expect(inbound.ip).toBe('127.0.0.1');
    const producerId = await room.produce(caller, {
      transportId: inbound.id,
      kind: 'audio',
      source: 'mic',
      paused: false,
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: CALLER_SSRC }],
      },
    });

    // The other leg: the worker sends to our socket from the start.
    const receiving = await udpSocket();
    const received: Buffer[] = [];
    receiving.on('message', (message) => received.push(message));
    const outbound = await room.createPlainTransport(listenerPeer, {
      remote: { ip: '127.0.0.1', port: receiving.address().port },
    });
    const audioOnly = {
      ...room.rtpCapabilities,
      codecs: room.rtpCapabilities.codecs?.filter((c) => c.kind === 'audio'),
    };
    const consumer = await room.consume(listenerPeer, {
      transportId: outbound.id,
      producerId,
      rtpCapabilities: audioOnly,
    });
    expect(consumer.kind).toBe('audio');
    await room.resumeConsumer(listenerPeer, consumer.consumerId);
    const forwardedSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc;

    const sending = await udpSocket();
    let seq = 0;
    const timer = setInterval(() => sending.send(rtpPacket(seq++), inbound.port, inbound.ip), 20);
    resources.add(timer, (t) => clearInterval(t));
    // RTP only: RTCP (second byte 192-223: SR, RR, SDES...) is muxed on the same port.
    const rtpOnly = (): Buffer[] =>
      received.filter((m) => m.length >= 12 && !((m[1] ?? 0) >= 192 && (m[1] ?? 0) <= 223));
    await vi.waitFor(() => expect(rtpOnly().length).toBeGreaterThanOrEqual(25), {
      timeout: 5000,
      interval: 20,
    });
    const rtp = rtpOnly();
    expect(new Set(rtp.map((m) => m.readUInt32BE(8)))).toEqual(new Set([forwardedSsrc]));
    console.log(`plain-rtp: ${seq} packets sent by the caller, ${rtp.length} forwarded to the other leg`);

    // Video, or another codec, has no place on a plain transport.
    await expect(
      room.produce(caller, {
        transportId: inbound.id,
        kind: 'video',
        source: 'camera',
        paused: false,
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
          encodings: [{ ssrc: 5 }],
        },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(
      room.connectTransport(caller, inbound.id, { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] }),
    ).rejects.toBeInstanceOf(AppError);
    room.close();
  });
});
