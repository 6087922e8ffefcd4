import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenario, step } from '../../test/sip/sipp.js';
import { writeTonePcap } from '../../test/sip/pcap.js';

/*
 * The bench's callers: ONE sipp process placing every call (sipp is C and
 * keeps each call's RTP playback on a thread of its own, so 100 calls cost
 * it little). Each call: INVITE, 200, ACK, then its own PIN as SIP INFO
 * digits read from an injection file (so every call may go to another
 * room), the caller's voice (a 1 kHz tone, 20 ms PCMA frames) played from
 * a capture, held `holdMs`, then BYE.
 */

/** An INFO per digit, from the injection file's fields 0-5, then '#'. */
function pinByInfo(firstCseq: number): string {
  const digits = [0, 1, 2, 3, 4, 5].map((i) => `[field${i}]`).concat('#');
  return digits
    .map(
      (digit, i) => `<send retrans="500"><![CDATA[
INFO sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:rendezvous@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: ${firstCseq + i} INFO
Contact: <sip:[caller]@[local_ip]:[local_port];transport=[transport]>
Max-Forwards: 70
Content-Type: application/dtmf-relay
Content-Length: [len]

Signal=${digit}
Duration=160
]]></send>
<recv response="200"/>
<pause milliseconds="150"/>`,
    )
    .join('\n');
}

export interface SippRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; output: string }>;
}

/** Starts `pins.length` calls at `rate` a second, one PIN each, pinned to `core`. */
export function startSippCallers(options: {
  dir: string;
  target: number;
  pins: string[];
  rate: number;
  holdMs: number;
  core: string;
  mediaPort: number;
}): SippRun {
  const voice = join(options.dir, 'caller-tone.pcap');
  if (!existsSync(voice)) writeTonePcap(voice, options.holdMs / 1000 + 15);
  const inf = join(options.dir, `pins-${options.mediaPort}.csv`);
  // Fields 0-5: the PIN's digits; field 6: the caller's own number (each call another caller).
  const lines = options.pins.map(
    (pin, i) =>
      `${[...pin].join(';')};+3361${String(options.mediaPort * 1000 + i)
        .padStart(7, '0')
        .slice(-7)}`,
  );
  writeFileSync(inf, ['SEQUENTIAL', ...lines].join('\n') + '\n');
  const steps = [
    step.invite(),
    step.answered(),
    step.ack(),
    `<nop><action><exec play_pcap_audio="${voice}"/></action></nop>`,
    step.pause(300),
    pinByInfo(2),
    step.pause(options.holdMs),
    step.bye(9),
  ].map((xml) => xml.replaceAll('[caller]', '[field6]'));
  const file = scenario('bench-calls', steps);
  const calls = options.pins.length;
  const args = [
    '-c',
    options.core,
    'sipp',
    '-nostdin',
    '-sf',
    file,
    '-inf',
    inf,
    '-i',
    '127.0.0.1',
    '-mi',
    '127.0.0.1',
    '-mp',
    String(options.mediaPort),
    '-p',
    '0',
    '-t',
    'u1',
    '-m',
    String(calls),
    '-l',
    String(calls),
    '-r',
    String(options.rate),
    '-timeout',
    `${Math.ceil(options.holdMs / 1000 + calls / options.rate + 60)}s`,
    '-timeout_error',
    '-trace_err',
    '-error_file',
    `${file}.errors`,
    `127.0.0.1:${options.target}`,
  ];
  const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
  return { child, done };
}
