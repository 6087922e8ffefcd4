import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { buildPrompts } from '../sip/gateway-fixture.js';
import { runSipp, scenario, step } from '../sip/sipp.js';

describe('the gateway as its own process', () => {
  it('starts from SIP_LISTEN, answers OPTIONS, refuses bad config, and stops on SIGTERM', async () => {
    buildPrompts();
    const bad = spawn(process.execPath, ['--import', 'tsx', 'sip-gateway/main.ts'], {
      env: { ...process.env, SIP_LISTEN: 'nope' },
    });
    let badErr = '';
    bad.stderr.on('data', (d: Buffer) => (badErr += d.toString()));
    const badCode = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    expect(badCode).toBe(78);
    expect(badErr).toContain('SIP_LISTEN');

    const port = 20100 + Math.floor(Math.random() * 800);
    const child = spawn(process.execPath, ['--import', 'tsx', 'sip-gateway/main.ts'], {
      env: {
        ...process.env,
        SIP_LISTEN: `127.0.0.1:${port}`,
        SIP_SERVICE_TOKEN: 'sip-service-token-for-tests-0123456789abcdef',
        // Nothing listens there: the room core is down, and callers are told so.
        GUICHET_URL: 'http://127.0.0.1:9',
        SIP_RTP_PORT_MIN: '32100',
        SIP_RTP_PORT_MAX: '32198',
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await vi.waitFor(() => expect(out).toContain('SIP gateway listening'), {
      timeout: 20_000,
      interval: 100,
    });
    const result = await runSipp(scenario('process-options', [step.options()]), port, { timeoutS: 10 });
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    // A whole call while the room core is unreachable: the caller hears « indisponible », then BYE.
    const call = scenario('process-call', [
      step.invite(),
      step.answered(),
      step.ack(),
      step.pause(300),
      step.dtmf('123456#'),
      step.byeFromServer(20_000),
    ]);
    const called = await runSipp(call, port, { timeoutS: 40 });
    expect(called.code, called.stderr + called.stdout.slice(-2000)).toBe(0);
    // The audit line is written as the call ends, possibly after sipp has exited.
    await vi.waitFor(() => expect(out).toContain('"detail":"unavailable"'), { timeout: 5_000, interval: 50 });
    expect(out).not.toContain('33612345642');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIP gateway stopping');
  }, 90_000);
});
