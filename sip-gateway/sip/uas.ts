import type { Logger } from 'pino';
import { newBranch } from './ids.js';
import {
  addressUri,
  headerParam,
  headerValue,
  listHeader,
  parseCSeq,
  uriHostPort,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './message.js';
import { ALLOW, buildResponse, missingMandatoryHeader } from './response.js';
import { retransmit, type SipTimers } from './timers.js';
import type { SipRemote, SipTransport } from './transport.js';

/** What a dialog (one call) is told by the UAS; each returns the response to send. */
export interface DialogHandler {
  onAck(request: SipRequest): void;
  onBye(request: SipRequest): void;
  onReInvite(request: SipRequest): { status: number; body?: Buffer; headers?: SipHeader[] };
  onInfo(request: SipRequest): number;
}

/** A new INVITE, handed to the gateway once the trunk checks have passed. */
export interface IncomingInvite {
  request: SipRequest;
  remote: SipRemote;
  toTag: string;
  respond(status: number, options?: { body?: Buffer; headers?: SipHeader[] }): void;
  /** Set by the gateway: called when a CANCEL arrives before the final answer. */
  onCancel: (() => void) | undefined;
}

/** The trunk checks a new INVITE goes through, in this order. */
export interface TrunkGuard {
  allowed(address: string): boolean;
  /** 503 when a source sends INVITEs faster than allowed; 486 when full. */
  admitInvite(address: string): 'ok' | 'flood' | 'busy';
  /** undefined when no digest auth is configured; else the challenge or null when it passes. */
  authenticate(request: SipRequest): { challenge: string } | null;
}

interface ServerTransaction {
  remote: SipRemote;
  last: SipResponse | undefined;
  invite?: IncomingInvite;
  stopResend?: () => void;
}

const KNOWN_NOT_ALLOWED = new Set([
  'REGISTER',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'MESSAGE',
  'UPDATE',
  'PRACK',
  'PUBLISH',
]);
const TRANSACTION_LINGER_MS = 32_000;

/**
 * The user agent server: server transactions (retransmitted requests get the
 * same answer again; a non-2xx final answer to an INVITE is resent over UDP
 * until its ACK), dialog matching, the trunk checks, and requests we send
 * inside a dialog (BYE) as client transactions.
 */
export class SipUas {
  readonly #transactions = new Map<string, ServerTransaction>();
  readonly #dialogs = new Map<string, DialogHandler>();
  readonly #reinviteResends = new Map<string, () => void>();

  constructor(
    readonly transport: SipTransport,
    readonly guard: TrunkGuard,
    readonly timers: SipTimers,
    readonly onInvite: (invite: IncomingInvite) => void,
    readonly log: Logger,
    readonly newTag: () => string,
  ) {}

  registerDialog(key: string, handler: DialogHandler): void {
    this.#dialogs.set(key, handler);
  }

  removeDialog(key: string): void {
    this.#dialogs.delete(key);
    this.#reinviteResends.get(key)?.();
    this.#reinviteResends.delete(key);
  }

  receive(message: SipMessage, remote: SipRemote): void {
    if (message.kind === 'response') {
      this.#onResponse(message);
      return;
    }
    const missing = missingMandatoryHeader(message);
    if (missing) {
      if (message.method !== 'ACK' && headerValue(message.headers, 'Via')) {
        this.transport.send(remote, buildResponse(message, 400, { reason: `Missing or bad ${missing}` }));
      }
      return;
    }
    const branch = topBranch(message);
    const txKey = `${branch}|${message.method === 'ACK' || message.method === 'CANCEL' ? 'INVITE' : message.method}`;
    if (message.method === 'ACK') {
      this.#onAck(message, txKey);
      return;
    }
    if (message.method === 'CANCEL') {
      this.#onCancel(message, remote, txKey);
      return;
    }
    const existing = this.#transactions.get(txKey);
    if (existing) {
      // A retransmission: the same answer again, nothing more (§17.2.1, §17.2.2).
      if (existing.last) this.transport.send(existing.remote, existing.last);
      return;
    }
    if (!this.guard.allowed(remote.address)) {
      this.#answer(message, remote, txKey, 403);
      return;
    }
    const toTag = headerParam(headerValue(message.headers, 'To') ?? '', 'tag');
    if (toTag) {
      this.#inDialog(message, remote, txKey, toTag);
      return;
    }
    switch (message.method) {
      case 'INVITE':
        this.#newInvite(message, remote, txKey);
        return;
      case 'OPTIONS':
        this.#answer(message, remote, txKey, 200, { headers: optionsHeaders() });
        return;
      case 'BYE':
      case 'INFO':
        this.#answer(message, remote, txKey, 481);
        return;
      default:
        this.#unsupported(message, remote, txKey);
    }
  }

  #unsupported(request: SipRequest, remote: SipRemote, txKey: string): void {
    const status = KNOWN_NOT_ALLOWED.has(request.method.toUpperCase()) ? 405 : 501;
    this.#answer(request, remote, txKey, status, { headers: [{ name: 'Allow', value: ALLOW }] });
  }

  #newInvite(request: SipRequest, remote: SipRemote, txKey: string): void {
    const admission = this.guard.admitInvite(remote.address);
    if (admission === 'flood') {
      this.#answer(request, remote, txKey, 503, { headers: [{ name: 'Retry-After', value: '5' }] });
      return;
    }
    if (admission === 'busy') {
      this.#answer(request, remote, txKey, 486);
      return;
    }
    const auth = this.guard.authenticate(request);
    if (auth) {
      this.#answer(request, remote, txKey, 401, {
        headers: [{ name: 'WWW-Authenticate', value: auth.challenge }],
      });
      return;
    }
    const toTag = this.newTag();
    const tx: ServerTransaction = { remote, last: undefined };
    this.#transactions.set(txKey, tx);
    const invite: IncomingInvite = {
      request,
      remote,
      toTag,
      onCancel: undefined,
      respond: (status, options = {}) => {
        if (tx.last && tx.last.status >= 200) return;
        const response = buildResponse(request, status, { toTag, ...options });
        tx.last = response;
        this.transport.send(remote, response);
        if (status >= 300 && remote.transport === 'udp') {
          // Timer G until the ACK, timer H gives up (§17.2.1).
          tx.stopResend = retransmit(
            this.timers,
            () => this.transport.send(remote, response),
            () => undefined,
          );
        }
        if (status >= 200) this.#linger(txKey);
      },
    };
    tx.invite = invite;
    invite.respond(100);
    this.onInvite(invite);
  }

  #inDialog(request: SipRequest, remote: SipRemote, txKey: string, toTag: string): void {
    const callId = headerValue(request.headers, 'Call-ID') ?? '';
    const dialog = this.#dialogs.get(dialogKey(callId, toTag));
    if (request.method === 'OPTIONS') {
      this.#answer(request, remote, txKey, 200, { headers: optionsHeaders() });
      return;
    }
    if (!['INVITE', 'BYE', 'INFO'].includes(request.method)) {
      this.#unsupported(request, remote, txKey);
      return;
    }
    if (!dialog) {
      this.#answer(request, remote, txKey, 481);
      return;
    }
    if (request.method === 'BYE') {
      this.#answer(request, remote, txKey, 200);
      dialog.onBye(request);
    } else if (request.method === 'INFO') {
      this.#answer(request, remote, txKey, dialog.onInfo(request));
    } else {
      const answer = dialog.onReInvite(request);
      const response = this.#answer(request, remote, txKey, answer.status, answer);
      if (answer.status === 200 && remote.transport === 'udp') {
        // A 2xx to a re-INVITE is resent until its ACK too (§13.3.1.4).
        const key = dialogKey(callId, toTag);
        this.#reinviteResends.get(key)?.();
        this.#reinviteResends.set(
          key,
          retransmit(
            this.timers,
            () => this.transport.send(remote, response),
            () => this.#reinviteResends.delete(key),
          ),
        );
      }
    }
  }

  #answer(
    request: SipRequest,
    remote: SipRemote,
    txKey: string,
    status: number,
    options: { body?: Buffer; headers?: SipHeader[] } = {},
  ): SipResponse {
    const response = buildResponse(request, status, { toTag: this.newTag(), ...options });
    const tx: ServerTransaction = { remote, last: response };
    this.#transactions.set(txKey, tx);
    this.transport.send(remote, response);
    if (request.method === 'INVITE' && status >= 300 && remote.transport === 'udp') {
      tx.stopResend = retransmit(
        this.timers,
        () => this.transport.send(remote, response),
        () => undefined,
      );
    }
    this.#linger(txKey);
    return response;
  }

  #linger(txKey: string): void {
    setTimeout(() => {
      this.#transactions.get(txKey)?.stopResend?.();
      this.#transactions.delete(txKey);
    }, TRANSACTION_LINGER_MS).unref();
  }

  #onAck(request: SipRequest, txKey: string): void {
    const tx = this.#transactions.get(txKey);
    if (tx?.last && tx.last.status >= 300) {
      // The ACK of a non-2xx answer belongs to its INVITE transaction (§17.2.1).
      tx.stopResend?.();
      return;
    }
    const toTag = headerParam(headerValue(request.headers, 'To') ?? '', 'tag');
    const callId = headerValue(request.headers, 'Call-ID') ?? '';
    if (!toTag) return;
    const key = dialogKey(callId, toTag);
    this.#reinviteResends.get(key)?.();
    this.#reinviteResends.delete(key);
    this.#dialogs.get(key)?.onAck(request);
  }

  #onCancel(request: SipRequest, remote: SipRemote, txKey: string): void {
    const tx = this.#transactions.get(txKey);
    if (!tx?.invite) {
      this.transport.send(remote, buildResponse(request, 481));
      return;
    }
    this.transport.send(remote, buildResponse(request, 200, { toTag: tx.invite.toTag }));
    if (!tx.last || tx.last.status < 200) {
      tx.invite.onCancel?.();
      tx.invite.respond(487);
    }
  }

  // ---- requests we send (BYE) ----

  readonly #clientTransactions = new Map<
    string,
    { done: (status: number | undefined) => void; stop: () => void }
  >();

  /** Sends an in-dialog request; resolves with the final status, or undefined after 64·T1. */
  sendRequest(
    remote: SipRemote,
    request: SipRequest,
    local: { host: string; port: number },
  ): Promise<number | undefined> {
    const branch = newBranch();
    const via = `SIP/2.0/${remote.transport.toUpperCase()} ${local.host}:${local.port};branch=${branch};rport`;
    request.headers.unshift({ name: 'Via', value: via });
    const key = `${branch}|${request.method}`;
    return new Promise((resolve) => {
      const finish = (status: number | undefined): void => {
        const entry = this.#clientTransactions.get(key);
        if (!entry) return;
        this.#clientTransactions.delete(key);
        entry.stop();
        resolve(status);
      };
      this.transport.send(remote, request);
      const stop =
        remote.transport === 'udp'
          ? retransmit(
              this.timers,
              () => this.transport.send(remote, request),
              () => finish(undefined),
            )
          : timeoutOnly(64 * this.timers.t1, () => finish(undefined));
      this.#clientTransactions.set(key, { done: finish, stop });
    });
  }

  #onResponse(response: SipResponse): void {
    const via = listHeader(response.headers, 'Via')[0] ?? '';
    const cseq = parseCSeq(headerValue(response.headers, 'CSeq'));
    const branch = headerParam(via, 'branch');
    if (!branch || !cseq || response.status < 200) return;
    this.#clientTransactions.get(`${branch}|${cseq.method}`)?.done(response.status);
  }
}

function timeoutOnly(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
}

export function dialogKey(callId: string, localTag: string): string {
  return `${callId};${localTag}`;
}

function topBranch(request: SipRequest): string {
  const via = listHeader(request.headers, 'Via')[0] ?? '';
  // Pre-RFC 3261 peers have no branch: fall back to what identifies the request.
  return (
    headerParam(via, 'branch') ??
    `${via}|${headerValue(request.headers, 'Call-ID')}|${parseCSeq(headerValue(request.headers, 'CSeq'))?.seq}`
  );
}

function optionsHeaders(): SipHeader[] {
  return [
    { name: 'Allow', value: ALLOW },
    { name: 'Accept', value: 'application/sdp, application/dtmf-relay, application/dtmf' },
    { name: 'Accept-Language', value: 'fr' },
  ];
}

/** Where to send requests inside the dialog: the peer's Contact, over the transport it used. */
export function contactRemote(request: SipRequest, remote: SipRemote): SipRemote {
  if (remote.transport === 'tcp') return remote;
  const contact = headerValue(request.headers, 'Contact');
  const target = contact ? uriHostPort(addressUri(contact)) : undefined;
  return target ? { transport: 'udp', address: target.host, port: target.port } : remote;
}
