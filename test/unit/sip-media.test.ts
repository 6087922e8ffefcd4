import { describe, expect, it } from 'vitest';
import { g711 } from '../../sip-gateway/media/g711.js';
import { RoomMixer } from '../../sip-gateway/media/mixer.js';
import { OpusDecoder, OpusEncoder, PHONE_FRAME, PHONE_RATE } from '../../sip-gateway/media/opus.js';
import { JitterBuffer } from '../../sip-gateway/rtp/jitter-buffer.js';
import { parseRtp, serializeRtp } from '../../sip-gateway/rtp/packet.js';
import { tone, power, rms } from '../sip/signal.js';

describe('the phone side at 8 kHz (no resampler)', () => {
  it('a caller tone encoded from 8 kHz is heard at its frequency and level by a 48 kHz decoder (the room)', () => {
    const enc = new OpusEncoder(PHONE_RATE);
    const room = new OpusDecoder();
    const frames: Int16Array[] = [];
    for (let i = 0; i < 30; i++) {
      const out = room.decode(enc.encode(tone(1000, 8000, PHONE_FRAME, i * PHONE_FRAME, 8000)));
      expect(out.length).toBe(960);
      frames.push(out);
    }
    const pcm = new Int16Array(960 * 15);
    frames.slice(15).forEach((f, i) => pcm.set(f, i * 960));
    expect(power(pcm, 1000, 48000)).toBeGreaterThan(50 * power(pcm, 3000, 48000));
    // 8000 peak → 5657 rms; Opus keeps the level within a few dB.
    expect(rms(pcm)).toBeGreaterThan(4000);
    expect(rms(pcm)).toBeLessThan(7500);
  });

  it('the room (48 kHz Opus) decoded at 8 kHz: 160 samples a frame, a 6 kHz tone (above the line) gone, 1 kHz kept', () => {
    const enc = new OpusEncoder();
    const dec = new OpusDecoder(PHONE_RATE);
    const frames: Int16Array[] = [];
    for (let i = 0; i < 30; i++) {
      const pcm = tone(1000, 48000, 960, i * 960, 6000);
      const high = tone(6000, 48000, 960, i * 960, 6000);
      const both = Int16Array.from(pcm, (x, n) => x + (high[n] ?? 0));
      const out = dec.decode(enc.encode(both));
      expect(out.length).toBe(PHONE_FRAME);
      frames.push(out);
    }
    const line = new Int16Array(PHONE_FRAME * 15);
    frames.slice(15).forEach((f, i) => line.set(f, i * PHONE_FRAME));
    // 6 kHz would alias to 2 kHz at 8 kHz if it were not filtered out.
    expect(power(line, 1000, 8000)).toBeGreaterThan(100 * power(line, 2000, 8000));
    expect(rms(line)).toBeGreaterThan(3000);
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
    // Mixed at the phone's 8 kHz.
    expect(out[0]?.length).toBe(PHONE_FRAME);
    const pcm = new Int16Array(PHONE_FRAME * 20);
    out.slice(10).forEach((f, i) => pcm.set(f, i * PHONE_FRAME));
    const self = power(pcm, 2600, 8000);
    expect(power(pcm, 600, 8000)).toBeGreaterThan(50 * Math.max(self, 1));
    expect(power(pcm, 1400, 8000)).toBeGreaterThan(50 * Math.max(self, 1));
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
