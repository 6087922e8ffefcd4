import { describe, expect, it } from 'vitest';
import { g711 } from '../../sip-gateway/media/g711.js';
import { RoomMixer } from '../../sip-gateway/media/mixer.js';
import { OpusDecoder, OpusEncoder } from '../../sip-gateway/media/opus.js';
import { FrameResampler } from '../../sip-gateway/media/resampler.js';
import { JitterBuffer } from '../../sip-gateway/rtp/jitter-buffer.js';
import { parseRtp, serializeRtp } from '../../sip-gateway/rtp/packet.js';
import { tone, power, rms } from '../sip/signal.js';

describe('resampler', () => {
  it('gives exactly 960 samples per 20 ms up (8 → 48 kHz) and 160 down, from the first frame on', async () => {
    const up = await FrameResampler.create(8000, 48000);
    const down = await FrameResampler.create(48000, 8000);
    for (let i = 0; i < 20; i++) {
      expect(up.process(tone(440, 8000, 160, i * 160, 8000)).length).toBe(960);
      expect(down.process(tone(440, 48000, 960, i * 960, 8000)).length).toBe(160);
    }
    up.close();
    down.close();
  });

  it('keeps a tone a tone across frame edges (stateful)', async () => {
    const up = await FrameResampler.create(8000, 48000);
    const frames: Int16Array[] = [];
    for (let i = 0; i < 25; i++) frames.push(up.process(tone(1000, 8000, 160, i * 160, 8000)));
    const tail = new Int16Array(960 * 10);
    frames.slice(15).forEach((f, i) => tail.set(f, i * 960));
    expect(power(tail, 1000, 48000)).toBeGreaterThan(20 * power(tail, 3000, 48000));
    expect(rms(tail)).toBeGreaterThan(4000);
    up.close();
  });
});

describe('room mixer', () => {
  it('mixes every source except the caller', () => {
    const enc = { a: new OpusEncoder(), b: new OpusEncoder(), self: new OpusEncoder() };
    const mixer = new RoomMixer('self');
    const out: Int16Array[] = [];
    for (let i = 0; i < 30; i++) {
      mixer.push('agent', enc.a.encode(tone(600, 48000, 960, i * 960, 6000)));
      mixer.push('other-phone', enc.b.encode(tone(1400, 48000, 960, i * 960, 6000)));
      mixer.push('self', enc.self.encode(tone(2600, 48000, 960, i * 960, 12000)));
      out.push(mixer.mix());
    }
    expect(mixer.sourceCount).toBe(2);
    const pcm = new Int16Array(960 * 20);
    out.slice(10).forEach((f, i) => pcm.set(f, i * 960));
    const self = power(pcm, 2600, 48000);
    expect(power(pcm, 600, 48000)).toBeGreaterThan(50 * Math.max(self, 1));
    expect(power(pcm, 1400, 48000)).toBeGreaterThan(50 * Math.max(self, 1));
  });

  it('is silence when nobody speaks, and clips instead of wrapping', () => {
    const mixer = new RoomMixer('self');
    expect(rms(mixer.mix())).toBe(0);
    const loud = [new OpusEncoder(), new OpusEncoder(), new OpusEncoder()];
    let last: Int16Array = new Int16Array(0);
    for (let i = 0; i < 10; i++) {
      loud.forEach((e, n) => mixer.push(`s${n}`, e.encode(tone(500, 48000, 960, i * 960, 30000))));
      last = mixer.mix();
    }
    expect(Math.max(...last)).toBeLessThanOrEqual(32767);
    expect(Math.max(...last)).toBeGreaterThan(30000);
  });
});

describe('G.711, Opus and RTP packets', () => {
  it.each(['PCMA', 'PCMU'] as const)('%s round-trips a tone', (name) => {
    const codec = g711(name);
    const pcm = tone(440, 8000, 160);
    const back = codec.decode(codec.encode(pcm));
    expect(back.length).toBe(160);
    expect(rms(Int16Array.from(back, (x, i) => x - (pcm[i] ?? 0)))).toBeLessThan(rms(pcm) * 0.05);
    expect(codec.decode(new Uint8Array(160).fill(codec.silenceByte)).every((x) => Math.abs(x) <= 8)).toBe(
      true,
    );
  });

  it('Opus at 48 kHz: 960 samples per 20 ms frame back', () => {
    const enc = new OpusEncoder();
    const dec = new OpusDecoder();
    for (let i = 0; i < 5; i++)
      expect(dec.decode(enc.encode(tone(440, 48000, 960, i * 960, 8000))).length).toBe(960);
  });

  it('RTP: serialize and parse; RTCP and garbage are not RTP', () => {
    const packet = {
      payloadType: 8,
      marker: true,
      sequence: 65535,
      timestamp: 4294967295,
      ssrc: 42,
      payload: Buffer.from([1, 2, 3]),
    };
    expect(parseRtp(serializeRtp(packet))).toEqual(packet);
    expect(parseRtp(Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseRtp(Buffer.from([0x40, 8, 0, 1]))).toBeUndefined();
  });
});

describe('jitter buffer', () => {
  const frame = (v: number) => new Int16Array(160).fill(v);

  it('waits for its depth, then plays in order what came out of order', () => {
    const jb = new JitterBuffer(3);
    jb.push(10, frame(10));
    jb.push(12, frame(12));
    expect(jb.pop()[0]).toBe(0);
    jb.push(11, frame(11));
    expect([jb.pop()[0], jb.pop()[0], jb.pop()[0]]).toEqual([10, 11, 12]);
  });

  it('drops duplicates and late packets', () => {
    const jb = new JitterBuffer(2);
    jb.push(1, frame(1));
    jb.push(1, frame(99));
    jb.push(2, frame(2));
    expect(jb.pop()[0]).toBe(1);
    jb.push(1, frame(1));
    expect(jb.stats).toMatchObject({ duplicate: 1, late: 1 });
  });

  it('conceals a lost frame with the last one, fading, then silence', () => {
    const jb = new JitterBuffer(1);
    jb.push(100, frame(1000));
    expect(jb.pop()[0]).toBe(1000);
    expect([jb.pop()[0], jb.pop()[0], jb.pop()[0], jb.pop()[0]]).toEqual([500, 250, 125, 0]);
    expect(jb.stats.concealed).toBe(4);
  });

  it('follows the sequence across its wrap at 65535', () => {
    const jb = new JitterBuffer(2);
    jb.push(65535, frame(1));
    jb.push(0, frame(2));
    jb.push(1, frame(3));
    expect([jb.pop()[0], jb.pop()[0], jb.pop()[0]]).toEqual([1, 2, 3]);
  });

  it('starts again after a jump (a new stream after hold)', () => {
    const jb = new JitterBuffer(2);
    jb.push(5, frame(5));
    jb.push(6, frame(6));
    jb.pop();
    jb.push(30000, frame(7));
    jb.push(30001, frame(8));
    expect(jb.pop()[0]).toBe(7);
  });
});
