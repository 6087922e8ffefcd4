import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpusDecoder, OpusEncoder } from '../../sip-gateway/media/opus.js';
import { readWav8k } from '../../sip-gateway/ivr/prompt-library.js';
import { Baresip } from '../sip/baresip.js';
import { startGatewayFixture, type GatewayFixture } from '../sip/gateway-fixture.js';
import { tone, power, rms } from '../sip/signal.js';

/*
 * baresip as a real caller: its microphone is a 1000 Hz tone (aufile), its
 * ear is recorded (sndfile, *-dec.wav). The room side is the test's
 * StoreRoomLink, which plays an agent speaking a 600 Hz tone and also sends
 * the caller's own voice back, as a room core that forwards every producer
 * would: the caller must hear the agent and not itself.
 */
describe('baresip caller', () => {
  let fx: GatewayFixture | undefined;
  let phone: Baresip | undefined;
  let mic: string | undefined;
  afterEach(async () => {
    await phone?.stop();
    if (phone) rmSync(phone.dir, { recursive: true, force: true });
    if (mic) rmSync(mic, { force: true });
    await fx?.close();
  });

  it('enters with the PIN, hears the waiting prompt and nothing of the room, then hears the agent and not itself', async () => {
    fx = await startGatewayFixture();
    await fx.book('112358', 5);
    mic = join(tmpdir(), `guichet-mic-${process.pid}.wav`);
    execFileSync('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      mic,
      'synth',
      '60',
      'sine',
      '1000',
      'gain',
      '-12',
    ]);
    phone = await Baresip.start({ sourceWav: mic, caller: '+33600000077' });
    phone.command('dial', `sip:rendezvous@127.0.0.1:${fx.gateway.port}`);
    await vi.waitFor(() => expect(phone!.events.join()).toContain('CALL_ESTABLISHED'), { timeout: 10_000 });
    await phone.type('112358#');
    await vi.waitFor(() => expect(fx!.room.lobby.length).toBe(1), { timeout: 10_000 });
    const entry = fx.room.lobby[0]!;
    expect(entry.caller.masked).toBe('•• •• 77');

    // The agent talks from the start; the caller's own frames come back too.
    const agent = new OpusEncoder();
    let n = 0;
    const room = setInterval(() => {
      entry.session.pushRoomAudio('agent', agent.encode(tone(600, 48000, 960, n++ * 960, 12000)));
      const own = entry.session.sent.at(-1);
      if (own) entry.session.pushRoomAudio(entry.participantId, own);
    }, 20);
    // Positions in what baresip heard (samples at 8 kHz), read from its recording as it grows:
    // no fixed sleep, and no guess at how wall time maps onto the recording.
    const inLobby = phone.recordedSamples();
    await phone.recordedPast(inLobby + 4 * 8000);
    const admittedAt = phone.recordedSamples();
    entry.session.emit({ type: 'admitted' });
    await phone.recordedPast(admittedAt + 7 * 8000);
    const hangupAt = phone.recordedSamples();
    clearInterval(room);
    phone.command('hangup');
    await vi.waitFor(() => expect(entry.left).toBe(true), { timeout: 10_000 });
    await phone.stop();

    // What baresip heard: the lobby from half a second in, the room from 3.5 s after admission.
    const heard = readWav8k(phone.readRecording(), 'baresip recording');
    const lobby = heard.subarray(inLobby + 4000, admittedAt);
    const inRoom = heard.subarray(admittedAt + 3.5 * 8000, hangupAt - 0.3 * 8000);
    console.log(
      `lobby rms ${rms(lobby).toFixed(0)}, 600 Hz ${power(lobby, 600, 8000).toFixed(1)}; in the room 600 Hz ${power(inRoom, 600, 8000).toFixed(1)}, 1000 Hz ${power(inRoom, 1000, 8000).toFixed(1)}`,
    );
    // In the lobby: the waiting prompt (speech), not the agent's tone.
    expect(rms(lobby)).toBeGreaterThan(200);
    expect(power(inRoom, 600, 8000)).toBeGreaterThan(10 * power(lobby, 600, 8000));
    // In the room: the agent, and not the caller's own 1000 Hz.
    expect(power(inRoom, 600, 8000)).toBeGreaterThan(500);
    expect(power(inRoom, 600, 8000)).toBeGreaterThan(20 * power(inRoom, 1000, 8000));
    // And the room heard the caller's tone.
    const decoder = new OpusDecoder();
    const voice = entry.session.sent.slice(-100).map((f) => decoder.decode(f));
    const joined = new Int16Array(voice.length * 960);
    voice.forEach((f, i) => joined.set(f, i * 960));
    expect(power(joined, 1000, 48000)).toBeGreaterThan(20 * power(joined, 600, 48000));
  }, 60_000);
});
