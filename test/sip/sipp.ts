import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * sipp scenarios, written from small building blocks so each test says
 * what the caller does (digits, pauses, hold, BYE) in a few lines.
 */

const PCAP_DIR = '/usr/share/sip-tester';
const SDP = (direction = 'sendrecv') => `v=0
o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8 0 101
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
a=${direction}
`;

const headers = (
  method: string,
  cseq: number,
  extra = '',
) => `${method} sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:rendezvous@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: ${cseq} ${method}
Contact: <sip:[caller]@[local_ip]:[local_port];transport=[transport]>
Max-Forwards: 70
${extra}`;

export const step = {
  invite: (sdp = SDP()) => `<send retrans="500"><![CDATA[
${headers('INVITE', 1, 'Content-Type: application/sdp\nContent-Length: [len]')}

${sdp}]]></send>`,
  /** INVITE, 401 with a challenge, ACK, then the INVITE again (no To tag: a new request) with sipp's digest answer (-au/-ap). */
  inviteWithDigest: (sdp = SDP()) => `<send retrans="500"><![CDATA[
${headers('INVITE', 1, 'Content-Type: application/sdp\nContent-Length: [len]')}

${sdp}]]></send>
<recv response="100" optional="true"/>
<recv response="401" auth="true"/>
<send><![CDATA[
ACK sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
<send retrans="500"><![CDATA[
${headers('INVITE', 2, '[authentication]\nContent-Type: application/sdp\nContent-Length: [len]').replace('[peer_tag_param]', '')}

${sdp}]]></send>`,
  expect: (status: number, optional = false) =>
    `<recv response="${status}"${optional ? ' optional="true"' : ''}${status === 200 ? ' rtd="true"' : ''}/>`,
  answered: () => `<recv response="100" optional="true"/>
<recv response="180" optional="true"/>
<recv response="200" rtd="true"/>`,
  ack: (cseq = 1) => `<send><![CDATA[
ACK sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:rendezvous@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: ${cseq} ACK
Max-Forwards: 70
Content-Length: 0

]]></send>`,
  pause: (ms: number) => `<pause milliseconds="${ms}"/>`,
  /** Each key as an RFC 4733 capture, half a second apart. */
  dtmf: (keys: string) =>
    [...keys]
      .map((k) => {
        const name = k === '#' ? 'pound' : k === '*' ? 'star' : k;
        return `<nop><action><exec play_pcap_audio="${PCAP_DIR}/dtmf_2833_${name}.pcap"/></action></nop>
<pause milliseconds="500"/>`;
      })
      .join('\n'),
  /** A few seconds of A-law speech from sipp's capture (the caller's voice). */
  voice: () => `<nop><action><exec play_pcap_audio="${PCAP_DIR}/g711a.pcap"/></action></nop>`,
  bye: (cseq = 2) => `<send retrans="500"><![CDATA[
${headers('BYE', cseq, 'Content-Length: 0')}

]]></send>
<recv response="200"/>`,
  /** Waits for the gateway's BYE (at most `ms`) and answers it. */
  byeFromServer: (ms: number) => `<recv request="BYE" timeout="${ms}"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>`,
  reInvite: (direction: string, cseq: number) => `<send retrans="500"><![CDATA[
${headers('INVITE', cseq, 'Content-Type: application/sdp\nContent-Length: [len]')}

${SDP(direction)}]]></send>
<recv response="200"><action><ereg regexp="a=(sendrecv|sendonly|recvonly|inactive)" search_in="body" check_it="true" assign_to="dir,d"/><log message="answer-direction [$d]"/></action></recv>
<send><![CDATA[
ACK sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:rendezvous@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: ${cseq} ACK
Max-Forwards: 70
Content-Length: 0

]]></send>`,
  /** Each key as a SIP INFO, alternating application/dtmf-relay and application/dtmf. */
  info: (keys: string, firstCseq: number) =>
    [...keys]
      .map((k, i) => {
        const relay = i % 2 === 0;
        const body = relay ? `Signal=${k}\nDuration=160\n` : k;
        const type = relay ? 'application/dtmf-relay' : 'application/dtmf';
        return `<send retrans="500"><![CDATA[
${headers('INFO', firstCseq + i, `Content-Type: ${type}\nContent-Length: [len]`)}

${body}]]></send>
<recv response="200"/>
<pause milliseconds="200"/>`;
      })
      .join('\n'),
  cancel: () => `<send><![CDATA[
CANCEL sip:rendezvous@[remote_ip]:[remote_port] SIP/2.0
[last_Via:]
From: "Appelant" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:rendezvous@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 CANCEL
Max-Forwards: 70
Content-Length: 0

]]></send>`,
  options: () => `<send retrans="500"><![CDATA[
${headers('OPTIONS', 1, 'Accept: application/sdp\nContent-Length: 0')}

]]></send>
<recv response="200"><action><ereg regexp="INVITE, ACK, BYE, CANCEL, OPTIONS, INFO" search_in="hdr" header="Allow:" check_it="true" assign_to="allow"/><log message="allow [$allow]"/></action></recv>`,
};

export function scenario(name: string, steps: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-sipp-'));
  const file = join(dir, `${name}.xml`);
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${steps.join('\n')}\n</scenario>\n`,
  );
  return file;
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let nextMediaPort = 30000 + Math.floor(Math.random() * 50) * 20;

/** Runs sipp against 127.0.0.1 only, bounded by `timeoutS`. */
export function runSipp(
  file: string,
  target: number,
  options: {
    transport?: 'u1' | 't1' | 'un';
    calls?: number;
    concurrent?: number;
    rate?: number;
    timeoutS?: number;
    caller?: string;
    auth?: { user: string; password: string };
  } = {},
): Promise<SippResult> {
  const mediaPort = (nextMediaPort += 20);
  const args = [
    '-nostdin',
    '-sf',
    file,
    '-i',
    '127.0.0.1',
    '-mi',
    '127.0.0.1',
    '-mp',
    String(mediaPort),
    '-p',
    '0',
    '-t',
    options.transport ?? 'u1',
    '-m',
    String(options.calls ?? 1),
    '-l',
    String(options.concurrent ?? 1),
    '-r',
    String(options.rate ?? 10),
    '-timeout',
    `${options.timeoutS ?? 30}s`,
    '-timeout_error',
    '-key',
    'caller',
    options.caller ?? '+33612345642',
    '-trace_logs',
    '-log_file',
    `${file}.log`,
    '-trace_msg',
    '-message_file',
    `${file}.msg`,
    ...(options.auth ? ['-au', options.auth.user, '-ap', options.auth.password] : []),
    `127.0.0.1:${target}`,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
