import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../sip/gateway-fixture.js';
import { runSipp, scenario, step } from '../sip/sipp.js';

/* Trunk protection with real callers: digest authentication, and wrong-PIN caps across calls. */
describe('SIP trunk protection', () => {
  let fx: GatewayFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('digest authentication: 401 with a challenge, then the answered INVITE gets in; a wrong password does not', async () => {
    fx = await startGatewayFixture({
      digest: { realm: 'guichet', username: 'trunk', password: 'correct horse battery' },
    });
    const ok = scenario('digest', [
      step.inviteWithDigest(),
      step.answered(),
      step.ack(2),
      step.pause(500),
      step.bye(3),
    ]);
    const good = await runSipp(ok, fx.gateway.port, {
      timeoutS: 15,
      auth: { user: 'trunk', password: 'correct horse battery' },
    });
    expect(good.code, good.stderr + good.stdout.slice(-2000)).toBe(0);
    const refused = scenario('digest-wrong', [
      step.inviteWithDigest(),
      '<recv response="100" optional="true"/>',
      step.expect(401),
    ]);
    const bad = await runSipp(refused, fx.gateway.port, {
      timeoutS: 15,
      auth: { user: 'trunk', password: 'wrong' },
    });
    expect(bad.code, bad.stderr + bad.stdout.slice(-2000)).toBe(0);
    expect(fx.gateway.activeCalls).toBe(0);
    expect(fx.audits.filter((a) => a.type === 'call_started')).toHaveLength(1);
  }, 40_000);

  it('wrong PINs are capped per caller across calls: even the right PIN is then refused; another caller still gets in', async () => {
    fx = await startGatewayFixture({
      pinCaps: {
        perCaller: { limit: 2, windowMs: 3_600_000 },
        perTrunk: { limit: 100, windowMs: 3_600_000 },
      },
    });
    await fx.book('577215', 5);
    const wrongTwice = scenario('cap-1', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('000000#'),
      step.pause(800),
      step.dtmf('000000#'),
      step.byeFromServer(20_000),
    ]);
    const first = await runSipp(wrongTwice, fx.gateway.port, { timeoutS: 40, caller: '+33611111111' });
    expect(first.code, first.stderr + first.stdout.slice(-2000)).toBe(0);
    expect(fx.audits.at(-1)).toMatchObject({ type: 'call_ended', detail: 'capped' });

    const rightPin = (name: string) =>
      scenario(name, [
        step.invite(),
        step.answered(),
        step.ack(),
        step.pause(300),
        step.dtmf('577215#'),
        step.byeFromServer(15_000),
      ]);
    const second = await runSipp(rightPin('cap-2'), fx.gateway.port, {
      timeoutS: 30,
      caller: '+33611111111',
    });
    expect(second.code, second.stderr + second.stdout.slice(-2000)).toBe(0);
    expect(fx.room.lobby).toHaveLength(0);
    expect(
      fx.audits.filter((a) => a.type === 'pin_capped' && a.caller === '•• •• 11').length,
    ).toBeGreaterThanOrEqual(2);

    const other = scenario('cap-3', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('577215#'),
      step.pause(1500),
      step.bye(),
    ]);
    const third = await runSipp(other, fx.gateway.port, { timeoutS: 30, caller: '+33622222222' });
    expect(third.code, third.stderr + third.stdout.slice(-2000)).toBe(0);
    expect(fx.room.lobby.map((e) => e.caller.masked)).toEqual(['•• •• 22']);
  }, 120_000);
});
