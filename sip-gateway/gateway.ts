import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { Call, type CallEnd } from './call/call.js';
import { PromptLibrary } from './ivr/prompt-library.js';
import type { Timers } from './ivr/voice-menu.js';
import type { RoomLink } from './room/room-link.js';
import { RtpPacer } from './rtp/pacer.js';
import { addressUri, headerValue, uriUser, type SipRequest } from './sip/message.js';
import { buildResponse } from './sip/response.js';
import type { SipTimers } from './sip/timers.js';
import { SipTransport } from './sip/transport.js';
import { SipUas, type IncomingInvite } from './sip/uas.js';
import { newTag } from './sip/ids.js';
import { AllowList } from './trunk/allow-list.js';
import { callerKey, maskNumber } from './trunk/caller.js';
import { DigestAuth, type DigestCredentials } from './trunk/digest-auth.js';
import { WindowCounter } from './trunk/limits.js';
import { logAudit, PinCaps, type PinCapsConfig, type PinGuard, type SipAudit } from './trunk/pin-caps.js';

export interface GatewayConfig {
  listen: { host: string; port: number };
  /** The address the trunk reaches us at (Via, Contact). */
  advertisedHost: string;
  rtp: { listenHost: string; advertisedAddress: string; portMin: number; portMax: number };
  allowedIps: string[];
  digest: DigestCredentials | undefined;
  maxCalls: number;
  invitesPerSecond: number;
  timers: SipTimers;
  answerDelayMs: number;
  rtpTimeoutMs: number;
  timeZone: string;
  builtPromptsDir: string;
  promptsDir: string | undefined;
  pinCaps: PinCapsConfig;
}

export interface GatewayDeps {
  room: RoomLink;
  log: Logger;
  audit?: SipAudit;
  /** The menu's clock: real timers unless a test injects its own. */
  menuTimers?: Timers;
  /** Wrong-PIN caps shared with other gateway processes (Redis); default: this process's memory. */
  pins?: (audit: SipAudit) => PinGuard;
  /**
   * Keys the caller hash (per-caller caps). Shared caps need the same key in
   * every process (main.ts derives it from the service token); default: random.
   */
  numberKey?: Buffer;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * The phone gateway: SIP on UDP and TCP for the operator's trunk, one Call
 * per dialog, all RTP on one pacer thread. It reaches rooms only through
 * the RoomLink it is given.
 */
export class SipGateway {
  readonly #calls = new Set<Call>();
  readonly #numberKey: Buffer;
  #closing = false;

  private constructor(
    readonly config: GatewayConfig,
    readonly deps: GatewayDeps,
    readonly transport: SipTransport,
    readonly uas: SipUas,
    readonly pacer: RtpPacer,
    readonly prompts: PromptLibrary,
    readonly pins: PinGuard,
    readonly audit: SipAudit,
  ) {
    this.#numberKey = deps.numberKey ?? randomBytes(32);
  }

  static async start(config: GatewayConfig, deps: GatewayDeps): Promise<SipGateway> {
    const log = deps.log;
    const prompts = PromptLibrary.load(config.builtPromptsDir, config.promptsDir);
    const allow = new AllowList(config.allowedIps);
    const digest = config.digest ? new DigestAuth(config.digest) : undefined;
    const flood = new WindowCounter(config.invitesPerSecond, 1000);
    const audit = deps.audit ?? logAudit(log);
    const pins = deps.pins?.(audit) ?? new PinCaps(config.pinCaps, audit);
    // The guard and the transport call back into objects built after them.
    const late: { gateway?: SipGateway; uas?: SipUas } = {};
    const guard = {
      allowed: (address: string) => allow.allows(address),
      admitInvite: (address: string) => {
        if (!flood.take(address)) return 'flood' as const;
        return (late.gateway?.activeCalls ?? 0) >= config.maxCalls ? ('busy' as const) : ('ok' as const);
      },
      authenticate: (request: SipRequest) =>
        !digest || digest.verify(headerValue(request.headers, 'Authorization'), request.method)
          ? null
          : { challenge: digest.challenge() },
    };
    const pacer = new RtpPacer({
      host: config.rtp.listenHost,
      portMin: config.rtp.portMin,
      portMax: config.rtp.portMax,
    });
    const transport = await SipTransport.listen(
      config.listen.host,
      config.listen.port,
      (message, remote) => late.uas?.receive(message, remote),
      (raw, remote, error) => {
        log.debug({ trunk: remote.address, error: error.message }, 'malformed SIP message');
        const reply = malformedReply(raw);
        if (reply) transport.send(remote, reply);
      },
      log.child({ component: 'sip-transport' }),
    );
    const uas = new SipUas(
      transport,
      guard,
      config.timers,
      (invite) => late.gateway?.onInvite(invite),
      log,
      newTag,
    );
    const gateway = new SipGateway(config, deps, transport, uas, pacer, prompts, pins, audit);
    late.uas = uas;
    late.gateway = gateway;
    log.info({ host: config.listen.host, port: transport.port }, 'SIP gateway listening (UDP and TCP)');
    return gateway;
  }

  get port(): number {
    return this.transport.port;
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  onInvite(invite: IncomingInvite): void {
    if (this.#closing) {
      invite.respond(503);
      return;
    }
    const h = invite.request.headers;
    const identity = headerValue(h, 'P-Asserted-Identity') ?? headerValue(h, 'From') ?? '';
    const number = uriUser(addressUri(identity));
    const callId = headerValue(h, 'Call-ID') ?? '';
    const caller = {
      masked: maskNumber(number),
      key: callerKey(number, this.#numberKey),
      trunk: invite.remote.address,
      callId,
    };
    const log = this.deps.log.child({ callId, caller: caller.masked, transport: invite.remote.transport });
    const call = new Call(invite, caller, {
      uas: this.uas,
      pacer: this.pacer,
      room: this.deps.room,
      prompts: this.prompts,
      timers: this.config.timers,
      menuTimers: this.deps.menuTimers ?? realTimers,
      local: {
        host: this.config.advertisedHost,
        port: this.port,
        rtpAddress: this.config.rtp.advertisedAddress,
      },
      answerDelayMs: this.config.answerDelayMs,
      rtpTimeoutMs: this.config.rtpTimeoutMs,
      timeZone: this.config.timeZone,
      pins: this.pins,
      log,
    });
    this.#calls.add(call);
    // Shared wrong-PIN counts are read while the welcome prompt plays.
    this.pins.warm?.(caller).catch(() => undefined);
    this.audit.record({ type: 'call_started', caller: caller.masked, trunk: caller.trunk });
    void call.ended.then((reason: CallEnd) => {
      this.#calls.delete(call);
      this.audit.record({ type: 'call_ended', caller: caller.masked, trunk: caller.trunk, detail: reason });
    });
    call.start().catch((error: unknown) => {
      log.error({ err: error }, 'call failed');
      call.hangup('error');
    });
  }

  /** Pacing of the RTP thread, for the benchmark and /metrics. */
  pacing(): ReturnType<RtpPacer['stats']> {
    return this.pacer.stats();
  }

  /** BYE to every call, then stop listening. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const ending = [...this.#calls].map((call) => {
      call.hangup('shutdown');
      return call.ended;
    });
    await Promise.all(ending);
    // Give the BYEs a moment on the wire before the sockets go.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await this.pacer.stop();
    await this.transport.close();
  }
}

/** A 400 for a request we can't parse but can still answer; nothing for anything else. */
function malformedReply(raw: Buffer) {
  const text = raw.toString('utf8', 0, Math.min(raw.length, 8192));
  const lines = text.split(/\r?\n/);
  if (!/^[A-Z]+ \S+ SIP\/2\.0$/.test(lines[0] ?? '') || lines[0]?.startsWith('ACK ')) return undefined;
  const pick = (name: string) =>
    lines
      .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      .map((l) => ({ name, value: l.slice(name.length + 1).trim() }));
  const headers = [...pick('Via'), ...pick('From'), ...pick('To'), ...pick('Call-ID'), ...pick('CSeq')];
  if (!headers.some((x) => x.name === 'Via')) return undefined;
  const request = { kind: 'request' as const, method: 'INVALID', uri: '', headers, body: Buffer.alloc(0) };
  return buildResponse(request, 400, { toTag: newTag(), reason: 'Malformed Request' });
}
