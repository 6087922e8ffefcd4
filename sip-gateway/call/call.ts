import type { Logger } from 'pino';
import type { PromptLibrary } from '../ivr/prompt-library.js';
import { VoiceMenu, type HangupReason, type Timers } from '../ivr/voice-menu.js';
import type { CallerIdentity, RoomLink } from '../room/room-link.js';
import type { PinGuard } from '../trunk/pin-caps.js';
import { parseInfoDtmf, TelephoneEventReceiver } from '../rtp/dtmf.js';
import { parseRtp } from '../rtp/packet.js';
import type { RtpPacer, RtpStream } from '../rtp/pacer.js';
import { answerDirection, buildAnswer, negotiate, type RemoteAudio } from '../sdp/negotiate.js';
import { headerValue, type SipHeader, type SipRequest } from '../sip/message.js';
import { buildResponse } from '../sip/response.js';
import { retransmit, type SipTimers } from '../sip/timers.js';
import {
  contactRemote,
  dialogKey,
  type DialogHandler,
  type IncomingInvite,
  type SipUas,
} from '../sip/uas.js';
import type { SipRemote } from '../sip/transport.js';
import { CallMedia } from './call-media.js';
import { byeRequest } from './bye.js';

export interface CallDeps {
  uas: SipUas;
  pacer: RtpPacer;
  room: RoomLink;
  prompts: PromptLibrary;
  timers: SipTimers;
  menuTimers: Timers;
  /** Our address in Via/Contact and in the SDP. */
  local: { host: string; port: number; rtpAddress: string };
  answerDelayMs: number;
  rtpTimeoutMs: number;
  timeZone: string;
  pins: PinGuard;
  log: Logger;
}

export type CallEnd =
  | HangupReason
  | 'caller_bye'
  | 'cancelled_by_caller'
  | 'no_ack'
  | 'rtp_timeout'
  | 'not_acceptable'
  | 'shutdown'
  | 'error';

/**
 * One phone call: the dialog (2xx resent until the ACK, BYE either way,
 * re-INVITE, INFO), its RTP stream on the pacer, the voice menu, and the
 * audio toward the room once admitted.
 */
export class Call implements DialogHandler {
  readonly #deps: CallDeps;
  readonly #invite: IncomingInvite;
  readonly caller: CallerIdentity;
  readonly log: Logger;
  #remote: RemoteAudio | undefined;
  #stream: RtpStream | undefined;
  #media: CallMedia | undefined;
  #menu: VoiceMenu | undefined;
  #stopResend: (() => void) | undefined;
  #offTick: (() => void) | undefined;
  #answer: Buffer | undefined;
  #sdpVersion = 1;
  #lastRtp = Date.now();
  #acked = false;
  #ended = false;
  #localSeq = Math.floor(Math.random() * 10_000) + 1;
  readonly #dtmf: TelephoneEventReceiver;
  readonly #dialogKey: string;
  readonly #peer: SipRemote;
  readonly #sessionId = Math.floor(Math.random() * 1e9);
  readonly ended: Promise<CallEnd>;
  #resolveEnded!: (reason: CallEnd) => void;

  constructor(invite: IncomingInvite, caller: CallerIdentity, deps: CallDeps) {
    this.#invite = invite;
    this.#deps = deps;
    this.caller = caller;
    this.log = deps.log;
    this.#dialogKey = dialogKey(headerValue(invite.request.headers, 'Call-ID') ?? '', invite.toTag);
    this.#peer = contactRemote(invite.request, invite.remote);
    this.#dtmf = new TelephoneEventReceiver((digit) => this.#menu?.digit(digit));
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
    invite.onCancel = () => this.#end('cancelled_by_caller', false);
  }

  async start(): Promise<void> {
    const offer = negotiate(this.#invite.request.body.toString('utf8'));
    if (!offer.ok) {
      this.log.info({ reason: offer.reason }, 'offer refused');
      this.#invite.respond(488, { headers: [{ name: 'Warning', value: `304 guichet "${offer.reason}"` }] });
      this.#end('not_acceptable', false);
      return;
    }
    this.#remote = offer.remote;
    try {
      this.#media = CallMedia.create(this.#deps.prompts, offer.remote.codec);
      this.#stream = await this.#deps.pacer.open();
    } catch (error) {
      this.log.error({ err: error }, 'call setup failed');
      this.#invite.respond(503);
      this.#end('error', false);
      return;
    }
    if (this.#ended) return;
    if (this.#deps.answerDelayMs > 0) {
      this.#invite.respond(180);
      await new Promise((resolve) => setTimeout(resolve, this.#deps.answerDelayMs));
      if (this.#ended) return;
    }
    this.#stream.onPacket((data, from) => this.#onRtp(data, from.address));
    this.#applyRemote();
    this.#answer = this.#sdpAnswer();
    this.#deps.uas.registerDialog(this.#dialogKey, this);
    const headers = this.#answerHeaders();
    this.#invite.respond(200, { body: this.#answer, headers });
    // The UAS core resends the 2xx until the ACK (§13.3.1.4), over TCP too.
    const ok = buildResponse(this.#invite.request, 200, {
      toTag: this.#invite.toTag,
      headers,
      body: this.#answer,
    });
    this.#stopResend = retransmit(
      this.#deps.timers,
      () => this.#deps.uas.transport.send(this.#invite.remote, ok),
      () => {
        this.log.info('no ACK for the 200: ending the call');
        this.#end('no_ack', true);
      },
    );
  }

  #answerHeaders(): SipHeader[] {
    const { host, port } = this.#deps.local;
    const transport = this.#invite.remote.transport === 'tcp' ? ';transport=tcp' : '';
    return [
      { name: 'Contact', value: `<sip:guichet@${host}:${port}${transport}>` },
      { name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO' },
      { name: 'Content-Type', value: 'application/sdp' },
    ];
  }

  #sdpAnswer(): Buffer {
    if (!this.#remote || !this.#stream) return Buffer.alloc(0);
    return Buffer.from(
      buildAnswer({
        address: this.#deps.local.rtpAddress,
        port: this.#stream.port,
        remote: this.#remote,
        sessionId: this.#sessionId,
        version: this.#sdpVersion,
      }),
    );
  }

  #applyRemote(): void {
    if (!this.#remote || !this.#stream || !this.#media) return;
    const ours = answerDirection(this.#remote.direction);
    this.#media.setCodec(this.#remote.codec);
    this.#stream.setRemote({
      address: this.#remote.address,
      port: this.#remote.port,
      payloadType: this.#remote.payloadType,
      silenceByte: this.#media.codec.silenceByte,
      sending: ours === 'sendrecv' || ours === 'sendonly',
    });
  }

  /** Whether the caller is sending RTP at all (not on hold with `recvonly`/`inactive`). */
  get #expectRtp(): boolean {
    const d = this.#remote?.direction;
    return d === 'sendrecv' || d === 'sendonly';
  }

  onAck(): void {
    if (this.#acked || this.#ended) return;
    this.#acked = true;
    this.#stopResend?.();
    this.#lastRtp = Date.now();
    this.#startMenu();
    this.#offTick = this.#deps.pacer.onTick(() => this.#tick());
  }

  #startMenu(): void {
    const media = this.#media;
    if (!media) return;
    this.#menu = new VoiceMenu({
      timers: this.#deps.menuTimers,
      timeZone: this.#deps.timeZone,
      play: (items, onDone) => media.player.play(items, onDone),
      stopPrompt: () => media.player.stop(),
      enter: (pin) => this.#deps.room.enterWithPin(pin, this.caller),
      pinCapped: () => this.#deps.pins.capped(this.caller),
      recordWrongPin: () => this.#deps.pins.recordWrong(this.caller),
      connect: (session) => media.connect(session),
      setMuted: (muted) => (media.muted = muted),
      hangup: (reason) => this.#end(reason, true),
    });
    this.#menu.start();
  }

  #tick(): void {
    if (this.#ended || !this.#media || !this.#stream) return;
    if (this.#expectRtp && Date.now() - this.#lastRtp > this.#deps.rtpTimeoutMs) {
      this.log.info('no RTP: ending the call');
      this.#end('rtp_timeout', true);
      return;
    }
    if (this.#menu?.state === 'leaving' && this.#media.connected) this.#media.disconnect();
    this.#stream.send(this.#media.tick());
  }

  #onRtp(data: Buffer, from: string): void {
    if (!this.#remote || from !== this.#remote.address) return;
    const packet = parseRtp(data);
    if (!packet) return;
    this.#lastRtp = Date.now();
    if (packet.payloadType === this.#remote.payloadType)
      this.#media?.receive(packet.sequence, packet.payload);
    else if (packet.payloadType === this.#remote.dtmfPayloadType)
      this.#dtmf.receive(packet.timestamp, packet.payload);
  }

  onBye(): void {
    this.#end('caller_bye', false);
  }

  onInfo(request: SipRequest): number {
    const type = headerValue(request.headers, 'Content-Type');
    if (request.body.length === 0) return 200;
    const digit = parseInfoDtmf(type, request.body.toString('utf8'));
    if (digit === undefined) return type?.toLowerCase().startsWith('application/dtmf') ? 400 : 415;
    this.#menu?.digit(digit);
    return 200;
  }

  onReInvite(request: SipRequest): { status: number; body?: Buffer; headers?: SipHeader[] } {
    if (request.body.length === 0) {
      // An offerless re-INVITE: we offer what we already agreed.
      return { status: 200, body: this.#answer ?? Buffer.alloc(0), headers: this.#answerHeaders() };
    }
    const offer = negotiate(request.body.toString('utf8'));
    if (!offer.ok) return { status: 488 };
    const changed = JSON.stringify(offer.remote) !== JSON.stringify(this.#remote);
    this.#remote = offer.remote;
    if (changed) {
      this.#sdpVersion++;
      this.#applyRemote();
      this.#lastRtp = Date.now();
      this.log.info({ direction: offer.remote.direction }, 'session updated');
    }
    this.#answer = this.#sdpAnswer();
    return { status: 200, body: this.#answer, headers: this.#answerHeaders() };
  }

  /** Ends the call (idempotent); sends BYE when the call was answered and it's our side hanging up. */
  hangup(reason: CallEnd): void {
    this.#end(reason, true);
  }

  #end(reason: CallEnd, sendBye: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopResend?.();
    this.#offTick?.();
    this.#menu?.close();
    this.#media?.close();
    this.#stream?.close();
    this.#deps.uas.removeDialog(this.#dialogKey);
    if (sendBye && this.#answer) {
      const bye = byeRequest(this.#invite, this.#localSeq++);
      void this.#deps.uas.sendRequest(this.#peer, bye, this.#deps.local);
    }
    this.log.info({ reason, menu: this.#menu?.state }, 'call ended');
    this.#resolveEnded(reason);
  }

  get menuState(): string | undefined {
    return this.#menu?.state;
  }
}
