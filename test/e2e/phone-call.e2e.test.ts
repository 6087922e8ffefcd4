import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import fr from '../../client/src/i18n/fr.json' with { type: 'json' };
import { readWav8k } from '../../sip-gateway/ivr/prompt-library.js';
import type { SipGateway } from '../../sip-gateway/gateway.js';
import { apiClient } from '../helpers/api.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { Baresip } from '../sip/baresip.js';
import { startCoreGateway, type CoreGatewayFixture } from '../sip/core-gateway-fixture.js';
import { power, rms } from '../sip/signal.js';
import { runSipp, scenario, step } from '../sip/sipp.js';
import { writeTonePcap } from '../sip/pcap.js';
import { MEDIA_DEADLINE_MS, joinByLink, waitForCallView } from './guichet-page.js';
import { fakeMicArgs, remoteTonePowers, toneWav } from './phone-audio.js';

/*
 * A phone caller and an agent in Chromium, every part real: the server with
 * its mediasoup worker, the phone gateway bound to it with the service
 * token (the PIN resolved over REST, the caller a phone member over
 * socket.io, its audio on a plain RTP transport), and a SIP caller on
 * 127.0.0.1. The caller speaks 1000 Hz; the agent's fake microphone
 * speaks 600 Hz. The agent admits the caller from the lobby panel.
 */

const CALLER_HZ = 1000;
const AGENT_HZ = 600;
const OFF_HZ = 1700;

describe('a phone caller and an agent in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-phone-e2e-'));
  let fx: CoreGatewayFixture;
  let server: TestServer;
  let gateway: SipGateway;
  let browsers: TestBrowser[] = [];
  let phone: Baresip | undefined;

  beforeAll(async () => {
    fx = await startCoreGateway();
    if (!fx.server) throw new Error('the fixture starts its own server');
    server = fx.server;
    gateway = fx.gateway;
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const browser of browsers) console.log(`--- agent's console ---\n${browser.logs.join('\n')}`);
      if (phone) console.log(`--- baresip ---\n${phone.output().slice(-3000)}`);
    }
    await phone?.stop();
    if (phone) rmSync(phone.dir, { recursive: true, force: true });
    phone = undefined;
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
  });

  afterAll(async () => {
    await fx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An appointment open now, and the agent in the room in Chromium with a 600 Hz microphone. */
  async function agentInRoom(): Promise<{ pin: string; page: Page }> {
    const view = await apiClient(server.baseUrl, server.agentToken()).book({
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      durationMinutes: 30,
      citizen: { displayName: 'Marie Dupont', email: 'marie@example.org' },
      channels: ['email'],
    });
    const agent = await launchBrowser({
      args: fakeMicArgs(toneWav(join(dir, 'agent.wav'), AGENT_HZ, 30, 48000)),
    });
    browsers.push(agent);
    await joinByLink(agent.page, view.links.agent, 'Alice Martin');
    await waitForCallView(agent.page);
    return { pin: view.dialIn.pin, page: agent.page };
  }

  /** The caller's knock in the agent's lobby panel, found by the masked number's last digits. */
  async function knockOf(page: Page, lastDigits: string) {
    const knock = page.locator('#knock-list').getByRole('listitem').filter({ hasText: lastDigits });
    await knock.waitFor({ state: 'visible', timeout: MEDIA_DEADLINE_MS });
    return knock;
  }

  /** Until the agent's page hears `hz` from the caller's tile, clearly above `otherHz` and a far tone. */
  async function expectPageHears(page: Page, hz: number, otherHz: number): Promise<number[]> {
    let powers: number[] | null = null;
    await expect
      .poll(
        async () => {
          powers = await remoteTonePowers(page, [hz, otherHz, OFF_HZ]);
          if (!powers) return false;
          const [wanted = 0, other = 0, off = 0] = powers;
          return wanted > 50 && wanted > 10 * other && wanted > 10 * off;
        },
        { timeout: MEDIA_DEADLINE_MS, interval: 250 },
      )
      .toBe(true);
    return powers ?? [];
  }

  it('baresip: the PIN by RFC 4733, the waiting prompt in the lobby, admitted by a click, then each side hears the other and the caller not itself', async () => {
    const { pin, page } = await agentInRoom();
    const mic = toneWav(join(dir, 'caller.wav'), CALLER_HZ, 90, 8000);
    phone = await Baresip.start({ sourceWav: mic, caller: '+33600000077' });
    const caller = phone;
    caller.command('dial', `sip:rendezvous@127.0.0.1:${gateway.port}`);
    await vi.waitFor(() => expect(caller.events.join()).toContain('CALL_ESTABLISHED'), { timeout: 10_000 });
    await caller.type(`${pin}#`);

    // The agent sees the caller knock, under the masked number.
    const knock = await knockOf(page, '77');
    expect(await knock.textContent()).toContain('•• •• 77');
    expect(await knock.textContent()).not.toContain('600000077');

    // Positions in what baresip heard (samples at 8 kHz), read from its recording as it grows.
    const inLobby = caller.recordedSamples();
    await caller.recordedPast(inLobby + 4 * 8000);
    const admittedAt = caller.recordedSamples();
    await knock.getByRole('button', { name: fr['knock.admit'] }).click();

    // The browser hears the caller's tone (and not its own microphone's).
    const heardByPage = await expectPageHears(page, CALLER_HZ, AGENT_HZ);
    const hearingAt = caller.recordedSamples();
    await caller.recordedPast(hearingAt + 5 * 8000);
    const hangupAt = caller.recordedSamples();
    caller.command('hangup');
    await vi.waitFor(() => expect(gateway.activeCalls).toBe(0), { timeout: 10_000 });
    await caller.stop();

    const heard = readWav8k(caller.readRecording(), 'baresip recording');
    const lobby = heard.subarray(inLobby + 4000, admittedAt);
    const inRoom = heard.subarray(hearingAt, hangupAt - 0.3 * 8000);
    const figures = {
      page: heardByPage.map((p) => p.toFixed(1)),
      lobbyRms: rms(lobby).toFixed(0),
      lobbyAgent: power(lobby, AGENT_HZ, 8000).toFixed(1),
      roomAgent: power(inRoom, AGENT_HZ, 8000).toFixed(1),
      roomSelf: power(inRoom, CALLER_HZ, 8000).toFixed(1),
    };
    console.log(`phone e2e (baresip): ${JSON.stringify(figures)}`);
    // In the lobby: the waiting prompt (speech), nothing of the room.
    expect(rms(lobby)).toBeGreaterThan(200);
    expect(power(inRoom, AGENT_HZ, 8000)).toBeGreaterThan(10 * power(lobby, AGENT_HZ, 8000));
    // In the room: the agent's microphone, and not the caller's own tone.
    expect(power(inRoom, AGENT_HZ, 8000)).toBeGreaterThan(50);
    expect(power(inRoom, AGENT_HZ, 8000)).toBeGreaterThan(20 * power(inRoom, CALLER_HZ, 8000));
  }, 120_000);

  it('sipp: the PIN by RFC 4733 captures, admitted by a click; the browser hears the caller', async () => {
    const { pin, page } = await agentInRoom();
    const voice = join(dir, 'sipp-caller.pcap');
    writeTonePcap(voice, 60, CALLER_HZ);
    const file = scenario('phone-e2e', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${pin}#`),
      // After the digits: a new play_pcap_audio stops the one before it in sipp.
      `<nop><action><exec play_pcap_audio="${voice}"/></action></nop>`,
      // The gateway's BYE ends the call when the agent ends it for everyone.
      step.byeFromServer(60_000),
    ]);
    const sipp = runSipp(file, gateway.port, { timeoutS: 90, caller: '+33700000042' });
    const knock = await knockOf(page, '42');
    await knock.getByRole('button', { name: fr['knock.admit'] }).click();
    const heardByPage = await expectPageHears(page, CALLER_HZ, AGENT_HZ);
    console.log(`phone e2e (sipp): page hears ${heardByPage.map((p) => p.toFixed(1)).join(' / ')}`);
    // « Terminer pour tous », confirmed: the caller hears the ending and is hung up on.
    await page.locator('#end-all').click();
    await page.locator('#end-dialog').getByRole('button', { name: fr['host.endAll'] }).click();
    const result = await sipp;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
  }, 120_000);
});
