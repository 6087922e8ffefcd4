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
});
