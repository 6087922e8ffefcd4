import { createSocket } from 'node:dgram';
import { describe, expect, it, vi } from 'vitest';
import { parseRtp } from '../../sip-gateway/rtp/packet.js';
import { RtpPacer } from '../../sip-gateway/rtp/pacer.js';

describe('RTP pacer thread', () => {
  it('keeps sending one packet per 20 ms while the main event loop is blocked', async () => {
    const receiver = createSocket('udp4');
    const seen: { seq: number; ts: number; payload: Buffer }[] = [];
    receiver.on('message', (m) => {
      const p = parseRtp(m);
      if (p) seen.push({ seq: p.sequence, ts: p.timestamp, payload: p.payload });
    });
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const pacer = new RtpPacer({
      host: '127.0.0.1',
      portMin: 31000 + Math.floor(Math.random() * 300) * 2,
      portMax: 31998,
    });
    const stream = await pacer.open();
    stream.setRemote({
      address: '127.0.0.1',
      port: receiver.address().port,
      payloadType: 8,
      silenceByte: 0xd5,
      sending: true,
    });
    stream.send(new Uint8Array(160).fill(0x55));
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(5), { timeout: 5000 });
    // The first queued frame went out, then silence frames when nothing was queued.
    expect(seen.some((p) => p.payload[0] === 0x55)).toBe(true);
    expect(seen.at(-1)?.payload[0]).toBe(0xd5);

    const before = seen.length;
    const blockedFor = 1000;
    const end = Date.now() + blockedFor;
    while (Date.now() < end) {
      // The main thread does nothing else for a second: no timer, no socket, no message runs here.
    }
    await vi.waitFor(() => expect(seen.length - before).toBeGreaterThanOrEqual(40), { timeout: 3000 });
    const during = seen.slice(before, before + 45);
    // Consecutive sequence numbers and 160-sample timestamps: one packet per tick, none skipped.
    for (let i = 1; i < during.length; i++) {
      expect((during[i]!.seq - during[i - 1]!.seq) & 0xffff).toBe(1);
      expect((during[i]!.ts - during[i - 1]!.ts) >>> 0).toBe(160);
    }
    const stats = await pacer.stats();
    console.log(
      `pacer lateness over ${stats.ticks} ticks: p50 ${stats.p50.toFixed(2)} ms, p99 ${stats.p99.toFixed(2)} ms, max ${stats.max.toFixed(2)} ms`,
    );
    stream.close();
    await pacer.stop();
    receiver.close();
  });
});
