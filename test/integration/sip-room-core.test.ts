import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AuditEventViewSchema, RoomIdSchema, type PeerInfo } from '../../signaling/protocol/index.js';
import { OpusDecoder } from '../../sip-gateway/media/opus.js';
import { apiClient } from '../helpers/api.js';
import { AudioReceiver } from '../helpers/rtc-peer.js';
import type { SignalingClient } from '../helpers/signaling-client.js';
import {
  agentIn,
  bookAppointment,
  SERVICE_TOKEN,
  startCoreGateway,
  type CoreGatewayFixture,
} from '../sip/core-gateway-fixture.js';
import { rms } from '../sip/signal.js';
import { runSipp, scenario, step } from '../sip/sipp.js';

/*
 * The phone gateway bound to the REAL room core: a Guichet server in-process
 * (real mediasoup worker, REST, socket.io), the gateway's CoreRoomLink, sipp
 * as the caller (RFC 4733 digits, A-law speech), and a socket.io agent with
 * a werift receive transport. Nothing of the room is a test double.
 */

const EVENTS = { timeout: 15_000, interval: 50 };

describe('SIP gateway on the real room core (sipp callers)', () => {
  let fx: CoreGatewayFixture;
  let base: string;
  let token: string;
  const agents: SignalingClient[] = [];
  const receivers: AudioReceiver[] = [];

  beforeAll(async () => {
    fx = await startCoreGateway();
    base = fx.server!.baseUrl;
    token = fx.server!.agentToken();
  }, 60_000);
  afterAll(async () => {
    for (const r of receivers) await r.close();
    for (const a of agents) a.close();
    await fx?.close();
  });

  const agentFor = async (roomId: string): Promise<SignalingClient> => {
    const agent = await agentIn(base, token, roomId);
    agents.push(agent);
    return agent;
  };
  const knocked = async (agent: SignalingClient): Promise<PeerInfo> => {
    await vi.waitFor(() => expect(agent.received('knock')).toHaveLength(1), EVENTS);
    return agent.received('knock')[0]!.peer;
  };
  const ended = (detail: string) =>
    vi.waitFor(
      () => expect(fx.audits.filter((a) => a.type === 'call_ended').map((a) => a.detail)).toContain(detail),
      { timeout: 5000, interval: 50 },
    );

  it('the right PIN: a phone member in the lobby with its masked name; admitted, its voice reaches the agent through the SFU', async () => {
    const view = await bookAppointment(base, token, 5);
    const agent = await agentFor(view.roomId);
    const file = scenario('core-right-pin', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${view.dialIn.pin}#`),
      step.pause(8000),
      step.voice(),
      step.pause(5000),
      step.bye(),
    ]);
    const run = runSipp(file, fx.gateway.port, { timeoutS: 60 });
    const phone = await knocked(agent);
    expect(phone).toMatchObject({
      kind: 'phone',
      displayName: 'Téléphone •• •• 42',
      state: 'lobby',
      producers: [],
    });
    await agent.request('admit', { peerId: phone.peerId });
    // Admitted: the gateway opens its plain transport and produces the caller's voice.
    await vi.waitFor(
      () => expect(agent.received('newProducer').filter((e) => e.peerId === phone.peerId)).toHaveLength(1),
      EVENTS,
    );
    const producerId = agent.received('newProducer').find((e) => e.peerId === phone.peerId)!.producer
      .producerId;
    const receiver = await AudioReceiver.start(agent, producerId);
    receivers.push(receiver);
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    // What the agent got is Opus the gateway encoded from the caller's speech: decoded, much of it is loud.
    const decoder = new OpusDecoder();
    const levels = receiver.payloads.map((p) => rms(decoder.decode(p)));
    console.log(
      `sip-room-core: ${levels.length} Opus packets at the agent, ${levels.filter((l) => l > 300).length} loud`,
    );
    expect(levels.filter((l) => l > 300).length).toBeGreaterThan(25);
    await vi.waitFor(
      () => expect(agent.received('peerLeft').map((e) => e.peerId)).toContain(phone.peerId),
      EVENTS,
    );

    // The audit trail has the phone member, masked; nothing holds the number.
    const audit = await apiClient(base, token).call('GET', `/api/v1/appointments/${view.id}/audit`);
    const events = z.object({ events: z.array(AuditEventViewSchema) }).parse(audit.json).events;
    expect(
      events.find((e) => e.type === 'joined' && e.detail['peerId'] === phone.peerId)?.detail,
    ).toMatchObject({
      kind: 'phone',
      caller: '•• •• 42',
    });
    expect(JSON.stringify(events)).not.toContain('612345642');
    expect(fx.logLines.join('')).not.toContain('612345642');
    expect(fx.logLines.join('')).not.toContain(view.dialIn.pin);
    expect(fx.logLines.join('')).not.toContain(SERVICE_TOKEN);
  }, 90_000);

  it('the agent refuses the caller in the lobby: the refused prompt, then BYE', async () => {
    const view = await bookAppointment(base, token, 5);
    const agent = await agentFor(view.roomId);
    const file = scenario('core-refused', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${view.dialIn.pin}#`),
      step.byeFromServer(40_000),
    ]);
    const run = runSipp(file, fx.gateway.port, { timeoutS: 60 });
    const phone = await knocked(agent);
    await agent.request('refuse', { peerId: phone.peerId });
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    await ended('refused');
    await vi.waitFor(
      () => expect(agent.received('knockWithdrawn').map((e) => e.peerId)).toContain(phone.peerId),
      EVENTS,
    );
  }, 90_000);

  it('a wrong PIN three times: goodbye and BYE, each wrong PIN audited masked', async () => {
    const audited = fx.audits.length;
    const file = scenario('core-wrong-pin', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('000000#'),
      step.pause(1000),
      step.dtmf('000000#'),
      step.pause(1000),
      step.dtmf('000000#'),
      step.byeFromServer(20_000),
    ]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 50 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    await ended('wrong_pin');
    const wrong = fx.audits.slice(audited).filter((a) => a.type === 'pin_wrong');
    expect(wrong).toHaveLength(3);
    expect(wrong.every((a) => a.caller === '•• •• 42')).toBe(true);
  }, 60_000);

  it('too early: the caller hears when to call back, then BYE', async () => {
    const view = await bookAppointment(base, token, 120);
    const file = scenario('core-too-early', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${view.dialIn.pin}#`),
      step.byeFromServer(25_000),
    ]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 50 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    await ended('too_early');
    // The time prompt takes seconds: the BYE came after it was played.
    expect(result.ms).toBeGreaterThan(7000);
  }, 60_000);

  it('the agent removes the admitted caller: the removed prompt, then BYE', async () => {
    const view = await bookAppointment(base, token, 5);
    const agent = await agentFor(view.roomId);
    const file = scenario('core-removed', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${view.dialIn.pin}#`),
      step.byeFromServer(40_000),
    ]);
    const run = runSipp(file, fx.gateway.port, { timeoutS: 60 });
    const phone = await knocked(agent);
    await agent.request('admit', { peerId: phone.peerId });
    await vi.waitFor(
      () => expect(agent.received('newProducer').filter((e) => e.peerId === phone.peerId)).toHaveLength(1),
      EVENTS,
    );
    const removedAt = Date.now();
    await agent.request('removePeer', { peerId: phone.peerId });
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    await ended('removed');
    // The BYE waited for « l'agent a mis fin… » and « au revoir ».
    expect(Date.now() - removedAt).toBeGreaterThan(1500);
  }, 90_000);

  it('the room core drops the gateway’s socket: it resumes the same place, still admitted, and its audio flows again', async () => {
    const view = await bookAppointment(base, token, 5);
    const agent = await agentFor(view.roomId);
    const file = scenario('core-resume', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${view.dialIn.pin}#`),
      step.pause(16_000),
      step.bye(),
    ]);
    const run = runSipp(file, fx.gateway.port, { timeoutS: 60 });
    const phone = await knocked(agent);
    await agent.request('admit', { peerId: phone.peerId });
    const producers = () => agent.received('newProducer').filter((e) => e.peerId === phone.peerId);
    await vi.waitFor(() => expect(producers()).toHaveLength(1), EVENTS);
    // Cut the phone member's connection from the server's side (as a node restart or a network cut would).
    const sockets = [...fx.server!.guichet.io.sockets.sockets.values()].filter(
      (s) => s.id !== agent.socket.id,
    );
    expect(sockets.length).toBeGreaterThanOrEqual(1);
    for (const socket of sockets) socket.disconnect(true);
    // Back on a new connection with the resume credential: same peer, no new knock, a new producer.
    await vi.waitFor(() => expect(producers()).toHaveLength(2), EVENTS);
    expect(agent.received('knock')).toHaveLength(1);
    const room = fx.server!.guichet.rooms.liveRoom(RoomIdSchema.parse(view.roomId));
    expect(room?.member(phone.peerId)?.state).toBe('admitted');
    const receiver = await AudioReceiver.start(agent, producers()[1]!.producer.producerId);
    receivers.push(receiver);
    // The gateway sends a frame every 20 ms once connected (silence here: sipp says nothing).
    await vi.waitFor(() => expect(receiver.payloads.length).toBeGreaterThan(25), EVENTS);
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    expect(fx.logLines.join('')).toContain('resumed');
  }, 90_000);

  it('the appointment is cancelled through REST while the caller waits: the cancelled prompt, then BYE', async () => {
    const view = await bookAppointment(base, token, 5);
    const agent = await agentFor(view.roomId);
    const file = scenario('core-cancelled', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf(`${view.dialIn.pin}#`),
      step.byeFromServer(40_000),
    ]);
    const run = runSipp(file, fx.gateway.port, { timeoutS: 60 });
    await knocked(agent);
    await apiClient(base, token).cancel(view.id);
    const result = await run;
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    await ended('cancelled');
  }, 90_000);
});
