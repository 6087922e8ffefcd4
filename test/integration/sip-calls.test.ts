import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OpusDecoder } from '../../sip-gateway/media/opus.js';
import { startGatewayFixture, type GatewayFixture } from '../sip/gateway-fixture.js';
import { runSipp, scenario, step } from '../sip/sipp.js';

const rms = (pcm: Int16Array): number => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length);

/*
 * Real SIP callers (sipp) against the gateway on 127.0.0.1, DTMF as RFC 4733
 * captures. PINs and access windows come from a real SQLite store; the lobby
 * is the test's StoreRoomLink, where the test plays the agent.
 */
describe('SIP gateway with sipp callers', () => {
  let fx: GatewayFixture;

  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('the right PIN: the caller waits in the lobby, is admitted, and its voice reaches the room', async () => {
    await fx.book('314159', 5);
    const before = fx.room.lobby.length;
    const file = scenario('right-pin', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('314159#'),
      step.pause(6000),
      step.voice(),
      step.pause(4000),
      step.bye(),
    ]);
    const run = runSipp(file, fx.gateway.port, { timeoutS: 40 });
    await vi.waitFor(() => expect(fx.room.lobby.length).toBe(before + 1), { timeout: 15_000, interval: 100 });
    const entry = fx.room.lobby.at(-1)!;
    expect(entry.caller.masked).toBe('•• •• 42');
    // Still in the lobby: nothing of the caller reaches the room before admission.
    expect(entry.session.sent.length).toBe(0);
    entry.session.emit({ type: 'admitted' });
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    // After the admitted prompt, the caller's voice went to the room as Opus frames: decoded, it is speech.
    expect(entry.session.sent.length).toBeGreaterThan(50);
    const decoder = new OpusDecoder();
    const loud = entry.session.sent.map((f) => rms(decoder.decode(f))).filter((level) => level > 300);
    expect(loud.length).toBeGreaterThan(25);
    expect(entry.left).toBe(true);
    expect(fx.logLines.join('')).not.toContain('33612345642');
  }, 60_000);

  it('a wrong PIN three times: the gateway says goodbye and sends BYE; each wrong PIN is audited, masked', async () => {
    const audited = fx.audits.length;
    const file = scenario('wrong-pin', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('000000#'),
      step.pause(1000),
      step.dtmf('000000#'),
      step.pause(1000),
      step.dtmf('000000#'),
      step.byeFromServer(15_000),
    ]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 45 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    const wrong = fx.audits.slice(audited).filter((a) => a.type === 'pin_wrong');
    expect(wrong).toHaveLength(3);
    expect(wrong.every((a) => a.caller === '•• •• 42' && a.trunk === '127.0.0.1')).toBe(true);
    const ended = fx.audits.slice(audited).find((a) => a.type === 'call_ended');
    expect(ended?.detail).toBe('wrong_pin');
  }, 60_000);

  it('too early: the caller hears when to call back, then the gateway hangs up', async () => {
    await fx.book('271828', 60);
    const audited = fx.audits.length;
    const file = scenario('too-early', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('271828#'),
      step.byeFromServer(20_000),
    ]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 40 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    expect(fx.audits.slice(audited).find((a) => a.type === 'call_ended')?.detail).toBe('too_early');
    // The prompt takes its time: the BYE came only after it was played (several seconds).
    expect(result.ms).toBeGreaterThan(7000);
  }, 60_000);

  it('over TCP: the right PIN reaches the lobby; the agent refuses and the gateway hangs up', async () => {
    await fx.book('161803', 5);
    const before = fx.room.lobby.length;
    const file = scenario('tcp-refused', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('161803#'),
      step.byeFromServer(30_000),
    ]);
    const run = runSipp(file, fx.gateway.port, { transport: 't1', timeoutS: 45 });
    await vi.waitFor(() => expect(fx.room.lobby.length).toBe(before + 1), { timeout: 15_000, interval: 100 });
    fx.room.lobby.at(-1)!.session.emit({ type: 'refused' });
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    expect(fx.room.lobby.at(-1)!.left).toBe(true);
  }, 60_000);
});
