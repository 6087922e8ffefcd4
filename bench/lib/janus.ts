import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AUDIO_PT, VIDEO_PT } from './rtp.js';
import { sleep } from './proc.js';

/*
 * Debian's Janus (1.1.2) with only the HTTP transport and the streaming
 * plugin, one RTP mountpoint (Opus + VP8, same payload types as our source),
 * ICE restricted to the bench's SFU-side veth interface.
 */

const LIB = '/usr/lib/x86_64-linux-gnu/janus';
const OTHER_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'textroom',
  'videocall',
  'videoroom',
  'voicemail',
].map((p) => `libjanus_${p}.so`);
const OTHER_TRANSPORTS = ['mqtt', 'nanomsg', 'pfunix', 'rabbitmq', 'websockets'].map(
  (t) => `libjanus_${t}.so`,
);

const EventSchema = z.object({
  janus: z.string(),
  sender: z.number().optional(),
  plugindata: z.object({ data: z.record(z.string(), z.unknown()) }).optional(),
  jsep: z.object({ type: z.string(), sdp: z.string() }).optional(),
});
type JanusEvent = z.infer<typeof EventSchema>;
const IdSchema = z.object({ janus: z.literal('success'), data: z.object({ id: z.number() }) });

export interface JanusOptions {
  sfuIp: string;
  iface: string;
  httpPort: number;
  audioPort: number;
  videoPort: number;
  core: number;
}

/** `nsenter --net=… --` into the SFU namespace when the bench set one (BENCH_SFU_NETNS). */
export function sfuNamespacePrefix(): string[] {
  const ns = process.env['BENCH_SFU_NETNS'];
  return ns ? ['nsenter', `--net=/run/netns/${ns}`, '--'] : [];
}

export class Janus {
  readonly process: ChildProcess;
  readonly #dir: string;
  readonly #base: string;
  readonly #waiters = new Map<number, (event: JanusEvent) => void>();
  #session = 0;
  #polling = false;
  log = '';

  private constructor(child: ChildProcess, dir: string, base: string) {
    this.process = child;
    this.#dir = dir;
    this.#base = base;
    child.stdout?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-400_000)));
    child.stderr?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-400_000)));
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  static async start(o: JanusOptions): Promise<Janus> {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-janus-'));
    writeFileSync(
      join(dir, 'janus.jcfg'),
      `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = ${process.env['BENCH_JANUS_DEBUG'] ?? 3}
  session_timeout = 0
  event_loops = ${process.env['BENCH_JANUS_LOOPS'] ?? 0}
}
media: { rtp_port_range = "30000-39999" }
nat: { nice_debug = ${process.env['BENCH_NICE_DEBUG'] ? 'true' : 'false'} ice_lite = ${process.env['BENCH_JANUS_LITE'] ? 'true' : 'false'} ice_enforce_list = "${o.iface}" ignore_mdns = true }
plugins: { disable = "${OTHER_PLUGINS.join(',')}" }
transports: { disable = "${OTHER_TRANSPORTS.join(',')}" }
events: { broadcast = false }
`,
    );
    writeFileSync(
      join(dir, 'janus.transport.http.jcfg'),
      `general: { json = "plain" base_path = "/janus" http = true port = ${o.httpPort} ip = "${o.sfuIp}" https = false }
admin: { admin_http = false }
`,
    );
    writeFileSync(
      join(dir, 'janus.plugin.streaming.jcfg'),
      `general: { }
bench: {
  type = "rtp"
  id = 1
  description = "bench"
  media = (
    { type = "audio" mid = "a" label = "audio" port = ${o.audioPort} pt = ${AUDIO_PT} codec = "opus" },
    { type = "video" mid = "v" label = "video" port = ${o.videoPort} pt = ${VIDEO_PT} codec = "vp8" }
  )
}
`,
    );
    // Pinned from the start: every thread Janus creates inherits the core.
    // In the SFU's own network namespace (see bench/run.sh), pinned from the start.
    // (With both veth ends in one namespace, libnice's packets never left Janus.)
    const command = [
      ...sfuNamespacePrefix(),
      'taskset',
      '-c',
      String(o.core),
      'janus',
      '-F',
      dir,
      '-C',
      join(dir, 'janus.jcfg'),
    ];
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const janus = new Janus(child, dir, `http://${o.sfuIp}:${o.httpPort}/janus`);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const info = await fetch(`${janus.#base}/info`);
        if (info.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    if (Date.now() >= deadline || child.exitCode !== null) {
      janus.close();
      throw new Error(`janus did not start:\n${janus.log.slice(-2000)}`);
    }
    janus.#session = IdSchema.parse(await janus.#post('', { janus: 'create' })).data.id;
    janus.#poll();
    return janus;
  }

  async #post(path: string, body: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(`${this.#base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
    });
    return response.json();
  }

  #poll(): void {
    this.#polling = true;
    void (async () => {
      while (this.#polling) {
        try {
          const response = await fetch(`${this.#base}/${this.#session}?maxev=50`);
          const body: unknown = await response.json();
          for (const raw of Array.isArray(body) ? body : [body]) {
            if (process.env['BENCH_DEBUG']) console.log('janus event', JSON.stringify(raw).slice(0, 300));
            const event = EventSchema.safeParse(raw);
            if (event.success && event.data.sender !== undefined && event.data.jsep) {
              this.#waiters.get(event.data.sender)?.(event.data);
            }
          }
        } catch {
          if (this.#polling) await sleep(100);
        }
      }
    })();
  }

  /** One viewer: attach, watch mountpoint 1, answer Janus's offer with `answer`, start. */
  async watch(answer: (offerSdp: string) => Promise<string>): Promise<void> {
    const handle = IdSchema.parse(
      await this.#post(`/${this.#session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' }),
    ).data.id;
    const offer = new Promise<JanusEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('janus sent no offer')), 10_000);
      this.#waiters.set(handle, (event) => {
        clearTimeout(timer);
        this.#waiters.delete(handle);
        resolve(event);
      });
    });
    await this.#post(`/${this.#session}/${handle}`, { janus: 'message', body: { request: 'watch', id: 1 } });
    const sdp = (await offer).jsep?.sdp ?? '';
    const local = await answer(sdp);
    const started = await this.#post(`/${this.#session}/${handle}`, {
      janus: 'message',
      body: { request: 'start' },
      jsep: { type: 'answer', sdp: local },
    });
    if (process.env['BENCH_DEBUG']) console.log('janus start →', JSON.stringify(started));
    // werift answers with every candidate in the SDP; tell Janus there are no more.
    await this.#post(`/${this.#session}/${handle}`, { janus: 'trickle', candidate: { completed: true } });
  }

  close(): void {
    this.#polling = false;
    this.process.kill('SIGKILL');
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
