import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../sip/gateway-fixture.js';
import { runSipp, scenario, step } from '../sip/sipp.js';

/** A raw UDP client on a loopback address, for what sipp can't send (garbage, other sources). */
async function rawClient(address = '127.0.0.1'): Promise<{ socket: Socket; replies: string[] }> {
  const socket = createSocket('udp4');
  const replies: string[] = [];
  socket.on('message', (m) => replies.push(m.toString()));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return { socket, replies };
}

function request(method: string, port: number, extra = '', body = ''): string {
  const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
  return (
    `${method} sip:rendezvous@127.0.0.1:${port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:9;branch=${branch}\r\n` +
    `From: <sip:+33100000099@127.0.0.1>;tag=raw\r\nTo: <sip:rendezvous@127.0.0.1>\r\n` +
    `Call-ID: raw-${branch}\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\n${extra}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/*
 * Transactions with real callers: T1 = 100 ms so a missing ACK ends the call
 * in 6.4 s instead of 32; the answer comes after 1.5 s of ringing, so a
 * CANCEL can arrive first; no RTP for 4 s ends a call.
 */
describe('SIP transactions and bad input', () => {
  let fx: GatewayFixture;

  beforeAll(async () => {
    fx = await startGatewayFixture({
      timers: { t1: 100, t2: 4000 },
      answerDelayMs: 1500,
      rtpTimeoutMs: 4000,
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('CANCEL before the answer: 200 to the CANCEL, 487 to the INVITE, nothing left behind', async () => {
    const file = scenario('cancel', [
      step.invite(),
      step.expect(100, true),
      step.expect(180),
      step.cancel(),
      step.expect(200),
      step.expect(487),
      `<send><![CDATA[
ACK sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>`,
      step.pause(500),
    ]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 20 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    await vi.waitFor(() => expect(fx.gateway.activeCalls).toBe(0), { timeout: 5000 });
    expect(fx.audits.at(-1)).toMatchObject({ type: 'call_ended', detail: 'cancelled_by_caller' });
  }, 30_000);

  it('no ACK: the 200 is resent (T1 doubling) and the gateway ends the call with BYE after 64·T1', async () => {
    // sipp absorbs retransmissions of a response it has already taken: count them in its message trace.
    const file = scenario('no-ack', [step.invite(), step.answered(), step.byeFromServer(10_000)]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 20 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    const trace = readFileSync(`${file}.msg`, 'utf8');
    const oks = trace.match(/^SIP\/2\.0 200 OK/gm) ?? [];
    // At 100, 300, 700, 1500 and 3100 ms after the first (T1 = 100 ms doubling), until 6.4 s.
    expect(oks.length).toBeGreaterThanOrEqual(5);
    expect(fx.audits.at(-1)).toMatchObject({ type: 'call_ended', detail: 'no_ack' });
    // 64 × 100 ms after the answer, plus the 1.5 s of ringing.
    expect(result.ms).toBeGreaterThan(7500);
  }, 30_000);

  it('re-INVITE for hold (inactive): the answer is inactive, no RTP is then no timeout; resume and hang up', async () => {
    const file = scenario('hold', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(500),
      step.reInvite('inactive', 2),
      step.pause(5000),
      step.reInvite('sendrecv', 3),
      step.pause(500),
      step.bye(4),
    ]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 25 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    const log = readFileSync(`${file}.log`, 'utf8');
    expect(log).toMatch(/answer-direction inactive[\s\S]*answer-direction sendrecv/);
    expect(fx.audits.at(-1)).toMatchObject({ type: 'call_ended', detail: 'caller_bye' });
  }, 40_000);

  it('no RTP for the timeout: the gateway hangs up', async () => {
    const file = scenario('silent', [step.invite(), step.answered(), step.ack(), step.byeFromServer(10_000)]);
    const result = await runSipp(file, fx.gateway.port, { timeoutS: 20 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    expect(fx.audits.at(-1)).toMatchObject({ type: 'call_ended', detail: 'rtp_timeout' });
  }, 30_000);

  it('OPTIONS: 200 with the methods we allow', async () => {
    const result = await runSipp(scenario('options', [step.options()]), fx.gateway.port, { timeoutS: 10 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
  }, 20_000);

  it('bad input gets clean answers and never stops the gateway', async () => {
    const { socket, replies } = await rawClient();
    const port = fx.gateway.port;
    const send = (text: string) => socket.send(text, port, '127.0.0.1');
    send(request('FROBNICATE', port));
    send(request('SUBSCRIBE', port));
    send(
      'INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad\r\nFrom: <sip:a@b>;tag=1\r\n' +
        'garbage line without colon\r\n\r\n',
    );
    send(
      Buffer.from([0x80, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]).toString('latin1'),
    );
    send(
      request(
        'INVITE',
        port,
        'Content-Type: application/sdp\r\n',
        'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\n',
      ),
    );
    send(
      request(
        'INVITE',
        port,
        'Content-Type: application/sdp\r\n',
        'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n',
      ),
    );
    send(
      request('BYE', port).replace(
        'To: <sip:rendezvous@127.0.0.1>',
        'To: <sip:rendezvous@127.0.0.1>;tag=nosuch',
      ),
    );
    await vi.waitFor(
      () => {
        const statuses = replies.map((r) => r.split('\r\n')[0]).join('|');
        expect(statuses).toContain('501 Not Implemented');
        expect(statuses).toContain('405 Method Not Allowed');
        expect(statuses).toContain('400');
        expect(statuses).toContain('481');
        expect(replies.filter((r) => r.startsWith('SIP/2.0 488')).length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 5000 },
    );
    socket.close();
    // Still answering.
    const after = await runSipp(scenario('options-after', [step.options()]), port, { timeoutS: 10 });
    expect(after.code).toBe(0);
  }, 30_000);

  it('a source outside the allow-list gets 403', async () => {
    const { socket, replies } = await rawClient('127.0.0.2');
    socket.send(request('INVITE', fx.gateway.port), fx.gateway.port, '127.0.0.1');
    await vi.waitFor(() => expect(replies[0]?.split('\r\n')[0]).toBe('SIP/2.0 403 Forbidden'), {
      timeout: 5000,
    });
    socket.close();
    expect(fx.gateway.activeCalls).toBe(0);
  });

  it('an INVITE flood is rate-limited with 503 and Retry-After', async () => {
    const { socket, replies } = await rawClient('127.0.0.1');
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 96\r\n';
    for (let i = 0; i < 60; i++)
      socket.send(request('INVITE', fx.gateway.port, '', sdp), fx.gateway.port, '127.0.0.1');
    // Final answers are resent until ACKed (timer G): count one per Call-ID.
    const finals = () =>
      new Map(
        replies.filter((r) => /^SIP\/2.0 (488|503)/.test(r)).map((r) => [/Call-ID: (\S+)/.exec(r)?.[1], r]),
      );
    await vi.waitFor(() => expect(finals().size).toBe(60), { timeout: 5000 });
    const limited = [...finals().values()].filter((r) => r.startsWith('SIP/2.0 503'));
    expect(limited.length).toBeGreaterThan(30);
    expect(limited[0]).toContain('Retry-After: 5');
    socket.close();
  });
});
