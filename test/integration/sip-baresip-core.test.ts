import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readWav8k } from '../../sip-gateway/ivr/prompt-library.js';
import { OpusDecoder, OpusEncoder } from '../../sip-gateway/media/opus.js';
import { Owned } from '../helpers/owned.js';
import { AudioReceiver, AudioSender } from '../helpers/rtc-peer.js';
import { Baresip } from '../sip/baresip.js';
import { agentIn, bookAppointment, startCoreGateway } from '../sip/core-gateway-fixture.js';
import { power, rms, tone } from '../sip/signal.js';

/*
 * Audio both ways with real parts only: baresip calls the gateway (its
 * microphone a 1000 Hz tone, its ear recorded), the gateway is bound to a
 * real Guichet server (real worker), and the agent is a werift peer that
 * sends real Opus (a 600 Hz tone) through a WebRTC transport and receives
 * the caller's leg. The caller hears the agent, not itself, and nothing of
 * the room while in the lobby; the agent hears the caller.
 */

const resources = new Owned();
afterEach(() => resources.stopAll());
const EVENTS = { timeout: 15_000, interval: 50 };

const concat = (frames: Int16Array[]): Int16Array => {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
};

describe('baresip caller on the real room core', () => {
  it('hears the waiting prompt in the lobby, then the agent and not itself; the agent hears the caller', async () => {
    const fx = resources.add(await startCoreGateway(), (f) => f.close());
    const server = fx.server!;
    const view = await bookAppointment(server.baseUrl, server.agentToken(), 5);
    const agent = resources.add(await agentIn(server.baseUrl, server.agentToken(), view.roomId), (a) =>
      a.close(),
    );
    const encoder = new OpusEncoder();
    const voice = (counter: number): Buffer =>
      Buffer.from(encoder.encode(tone(600, 48000, 960, counter * 960, 12000)));
    resources.add(await AudioSender.start(agent, 0x600, voice), (s) => s.close());

    const mic = join(tmpdir(), `guichet-core-mic-${process.pid}.wav`);
    resources.add(mic, (path) => rmSync(path, { force: true }));
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
    const phone = resources.add(
      await Baresip.start({ sourceWav: mic, caller: '+33600000077' }),
      async (p) => {
        await p.stop();
        rmSync(p.dir, { recursive: true, force: true });
      },
    );
    phone.command('dial', `sip:rendezvous@127.0.0.1:${fx.gateway.port}`);
    await vi.waitFor(() => expect(phone.events.join()).toContain('CALL_ESTABLISHED'), { timeout: 10_000 });
    await phone.type(`${view.dialIn.pin}#`);
    await vi.waitFor(() => expect(agent.received('knock')).toHaveLength(1), EVENTS);
    const knock = agent.received('knock')[0]!.peer;
    expect(knock).toMatchObject({ kind: 'phone', displayName: 'Téléphone •• •• 77' });

    // Positions in what baresip heard (samples at 8 kHz), read from its recording as it grows.
    const inLobby = phone.recordedSamples();
    await phone.recordedPast(inLobby + 4 * 8000);
    const admittedAt = phone.recordedSamples();
    await agent.request('admit', { peerId: knock.peerId });
    await vi.waitFor(
      () => expect(agent.received('newProducer').filter((e) => e.peerId === knock.peerId)).toHaveLength(1),
      EVENTS,
    );
    const producerId = agent.received('newProducer').find((e) => e.peerId === knock.peerId)!.producer
      .producerId;
    const receiver = resources.add(await AudioReceiver.start(agent, producerId), (r) => r.close());
    await phone.recordedPast(admittedAt + 7 * 8000);
    const hangupAt = phone.recordedSamples();
    phone.command('hangup');
    await vi.waitFor(
      () => expect(agent.received('peerLeft').map((e) => e.peerId)).toContain(knock.peerId),
      EVENTS,
    );
    await phone.stop();

    // What baresip heard: the lobby from half a second in, the room from 3.5 s after admission.
    const heard = readWav8k(phone.readRecording(), 'baresip recording');
    const lobby = heard.subarray(inLobby + 4000, admittedAt);
    const inRoom = heard.subarray(admittedAt + 3.5 * 8000, hangupAt - 0.3 * 8000);
    console.log(
      `sip-baresip-core: lobby rms ${rms(lobby).toFixed(0)}, 600 Hz ${power(lobby, 600, 8000).toFixed(1)}; in the room 600 Hz ${power(inRoom, 600, 8000).toFixed(1)}, 1000 Hz ${power(inRoom, 1000, 8000).toFixed(1)}`,
    );
    expect(rms(lobby)).toBeGreaterThan(200);
    expect(power(inRoom, 600, 8000)).toBeGreaterThan(10 * power(lobby, 600, 8000));
    expect(power(inRoom, 600, 8000)).toBeGreaterThan(500);
    expect(power(inRoom, 600, 8000)).toBeGreaterThan(20 * power(inRoom, 1000, 8000));

    // The agent heard the caller's 1000 Hz through the SFU.
    const decoder = new OpusDecoder();
    const got = concat(receiver.payloads.slice(-150).map((p) => decoder.decode(p)));
    console.log(
      `sip-baresip-core: agent got ${receiver.payloads.length} packets, 1000 Hz ${power(got, 1000, 48000).toFixed(1)}`,
    );
    expect(receiver.payloads.length).toBeGreaterThan(150);
    expect(power(got, 1000, 48000)).toBeGreaterThan(100);
    expect(power(got, 1000, 48000)).toBeGreaterThan(20 * power(got, 600, 48000));
  }, 90_000);
});
