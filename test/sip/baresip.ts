import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** libsndfile's canonical WAV header for 16-bit PCM. */
const WAV_HEADER_BYTES = 44;

/**
 * baresip as a second real caller: its audio source is a WAV file (aufile),
 * what it hears is recorded by sndfile as `*-dec.wav`, and it is driven over
 * ctrl_tcp (netstring JSON) on 127.0.0.1.
 */
export class Baresip {
  readonly responses: string[] = [];
  readonly events: string[] = [];
  #buffer = '';

  private constructor(
    readonly dir: string,
    readonly process: ChildProcess,
    readonly control: Socket,
    readonly output: () => string,
  ) {
    control.on('data', (d: Buffer) => this.#read(d.toString('latin1')));
  }

  /**
   * Ports are drawn from 12000-15999, a band no other test helper uses (test
   * servers' media ports sit at 21000-23999, the gateways' RTP at 26000-31999);
   * a port some other process still holds makes baresip fail at once, and it
   * is started again on other ports rather than failing the test.
   */
  static async start(options: { sourceWav: string; caller: string }): Promise<Baresip> {
    for (let attempt = 1; ; attempt++) {
      const sipPort = 12000 + Math.floor(Math.random() * 2000);
      const started = await Baresip.#startOn(options, sipPort, sipPort + 2000);
      if (started instanceof Baresip) return started;
      if (!started.portTaken || attempt === 5) throw started.error;
    }
  }

  static async #startOn(
    options: { sourceWav: string; caller: string },
    sipPort: number,
    ctrlPort: number,
  ): Promise<Baresip | { portTaken: boolean; error: Error }> {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-baresip-'));
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method epoll',
        // Only loopback exists in the test's network namespace; baresip skips it unless told.
        'net_interface 127.0.0.1',
        `sip_listen 127.0.0.1:${sipPort}`,
        'sip_transports udp',
        `audio_source aufile,${options.sourceWav}`,
        `audio_player aufile,${join(dir, 'player.wav')}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module sndfile.so',
        'module stdio.so',
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        `snd_path ${dir}`,
        'rtp_ports 30000-30999',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'accounts'), `<sip:${options.caller}@127.0.0.1>;regint=0\n`);
    const child = spawn('baresip', ['-f', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let exited = false;
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        return new Baresip(dir, child, socket, () => out);
      } catch (error) {
        const portTaken = out.includes('Address already in use');
        if (portTaken || exited || Date.now() > deadline) {
          child.kill('SIGKILL');
          return {
            portTaken,
            error: new Error(`baresip ctrl_tcp never came up: ${String(error)}\n${out}`, { cause: error }),
          };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const colon = this.#buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.#buffer.slice(0, colon));
      if (this.#buffer.length < colon + 1 + length + 1) return;
      const body = this.#buffer.slice(colon + 1, colon + 1 + length);
      this.#buffer = this.#buffer.slice(colon + 1 + length + 1);
      if (body.includes('"event"')) this.events.push(body);
      else this.responses.push(body);
    }
  }

  command(command: string, params = ''): void {
    const json = JSON.stringify({ command, params, token: String(this.responses.length) });
    this.control.write(`${Buffer.byteLength(json, 'latin1')}:${json},`);
  }

  /** Keys typed on baresip's console (stdio UI): during a call, digits are sent as RFC 4733 events. */
  async type(keys: string, gapMs = 400): Promise<void> {
    for (const key of keys) {
      this.process.stdin?.write(key);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /** The file sndfile records what baresip hears into (`*-dec.wav`), once the call's audio has started. */
  recordingPath(): string | undefined {
    const file = readdirSync(this.dir).find((f) => f.endsWith('-dec.wav'));
    return file ? join(this.dir, file) : undefined;
  }

  /**
   * How many 16-bit samples are in the recording so far (sndfile writes as it
   * decodes; the header's sizes are only right once the call ends, so this
   * reads the file's size): a position in what the caller heard, for a test
   * to mark « now » and to wait for « n seconds later » without a fixed sleep.
   */
  recordedSamples(): number {
    const path = this.recordingPath();
    return path ? Math.max(0, Math.floor((statSync(path).size - WAV_HEADER_BYTES) / 2)) : 0;
  }

  /** Until the recording holds more than `samples` (8 kHz): « n seconds later » in what the caller heard. */
  async recordedPast(samples: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.recordedSamples() <= samples) {
      if (Date.now() > deadline) {
        throw new Error(
          `baresip recorded ${this.recordedSamples()} samples, waited for more than ${samples}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The whole recording, once the call has ended (the WAV header is final then). */
  readRecording(): Buffer {
    const path = this.recordingPath();
    if (!path) throw new Error(`baresip recorded nothing in ${this.dir}`);
    return readFileSync(path);
  }

  async stop(): Promise<void> {
    this.control.destroy();
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
