import { createSocket, type Socket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { g711 } from '../../sip-gateway/media/g711.js';
import { RoomMixer } from '../../sip-gateway/media/mixer.js';
import { OpusEncoder, OpusDecoder, PHONE_RATE } from '../../sip-gateway/media/opus.js';
import { OpusRtpPacketizer } from '../../sip-gateway/media/opus-rtp.js';
import { parseRtp } from '../../sip-gateway/rtp/packet.js';
import { tone, power } from '../sip/signal.js';

/*
 * The gateway's media path through a REAL mediasoup worker: the caller's
 * G.711 → 48 kHz → Opus → RTP into a PlainTransport producer; a consumer on
 * a second PlainTransport sends it back; decoded, it is still the caller's
 * tone. Then the way back: the consumed Opus mixed (without the caller's own
 * voice), resampled and encoded as G.711, as the caller would hear it.
 * mediasoup is imported here only: server/media stays its only user in code.
 */

const concat = (frames: Int16Array[]) => {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
};

describe('caller audio through a real mediasoup PlainTransport', () => {
  let worker: mediasoup.types.Worker;
  let receiver: Socket;
  const received: Buffer[] = [];

  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 32200, rtcMaxPort: 32700 });
    receiver = createSocket('udp4');
    receiver.on('message', (m) => {
      const p = parseRtp(m);
      if (p) received.push(p.payload);
    });
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    worker?.close();
    receiver?.close();
  });

  it('G.711 → Opus producer → consumer → decoded: the tone survives; and back to G.711 for the caller', async () => {
    const router = await worker.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
    const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
    const inbound = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const packetizer = new OpusRtpPacketizer(100);
    const producer = await inbound.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: packetizer.ssrc }],
      },
    });
    const outbound = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
    await outbound.connect({ ip: '127.0.0.1', port: receiver.address().port });
    const consumer = await outbound.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
    });
    await consumer.resume();

    // The caller side, as the gateway runs it: G.711 in, Opus encoded from 8 kHz, RTP.
    const law = g711('PCMA');
    const encoder = new OpusEncoder(PHONE_RATE);
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    const frames = 100;
    for (let i = 0; i < frames; i++) {
      const heard = law.decode(law.encode(tone(700, 8000, 160, i * 160)));
      const packet = packetizer.packetize(encoder.encode(heard));
      sender.send(packet, inbound.tuple.localPort, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(frames * 0.9), { timeout: 10_000 });
    const stats = await producer.getStats();
    expect(stats[0]?.packetCount ?? 0).toBeGreaterThanOrEqual(frames * 0.9);

    // What the room hears: the caller's tone at 700 Hz.
    const decoder = new OpusDecoder();
    const decoded = concat(received.map((p) => decoder.decode(p)).slice(20));
    expect(power(decoded, 700, 48000)).toBeGreaterThan(20 * power(decoded, 1700, 48000));
    expect(power(decoded, 700, 48000)).toBeGreaterThan(500);

    // What a second caller would hear of it: decoded and mixed at 8 kHz (its own voice left out), G.711.
    const mixer = new RoomMixer('second-caller');
    const selfEncoder = new OpusEncoder();
    const heardBySecond: Int16Array[] = [];
    received.forEach((p, i) => {
      mixer.push(producer.id, p);
      mixer.push('second-caller', selfEncoder.encode(tone(2200, 48000, 960, i * 960, 12000)));
      heardBySecond.push(law.decode(law.encode(mixer.mix())));
    });
    const line = concat(heardBySecond.slice(20));
    expect(power(line, 700, 8000)).toBeGreaterThan(500);
    expect(power(line, 700, 8000)).toBeGreaterThan(20 * power(line, 2200, 8000));

    sender.close();
    router.close();
  });
});
