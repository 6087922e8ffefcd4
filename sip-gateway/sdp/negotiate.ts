import { parse, write, type SessionDescription } from 'sdp-transform';

export type G711Name = 'PCMA' | 'PCMU';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** What we learnt from the caller's offer: where to send, in which codec. */
export interface RemoteAudio {
  address: string;
  port: number;
  codec: G711Name;
  payloadType: number;
  /** RFC 4733 telephone-event payload type, if the caller offered it. */
  dtmfPayloadType: number | undefined;
  /** The caller's direction; `sendonly`/`inactive` (or c=0.0.0.0) is hold. */
  direction: Direction;
}

export type Negotiation = { ok: true; remote: RemoteAudio } | { ok: false; reason: string };

const STATIC_PT: Record<number, G711Name> = { 0: 'PCMU', 8: 'PCMA' };

/**
 * Answers an SDP offer (RFC 3264): the first G.711 codec in the caller's
 * order, plus telephone-event at 8 kHz when offered. No audio, no plain
 * RTP/AVP or no G.711 means 488.
 */
export function negotiate(offer: string): Negotiation {
  let sdp: SessionDescription;
  try {
    sdp = parse(offer);
  } catch {
    return { ok: false, reason: 'unparsable SDP' };
  }
  if (!Array.isArray(sdp.media)) return { ok: false, reason: 'no media' };
  const audio = sdp.media.find((m) => m.type === 'audio' && m.port > 0);
  if (!audio) return { ok: false, reason: 'no audio stream' };
  if (!/^RTP\/AVP$/i.test(audio.protocol))
    return { ok: false, reason: `unsupported profile ${audio.protocol}` };
  const address = audio.connection?.ip ?? sdp.connection?.ip;
  if (!address || !/^[0-9.]+$|:/.test(address)) return { ok: false, reason: 'no connection address' };
  const payloads = String(audio.payloads ?? '')
    .split(/\s+/)
    .filter((p) => /^\d{1,3}$/.test(p))
    .map(Number);
  let chosen: { name: G711Name; pt: number } | undefined;
  let dtmf: number | undefined;
  for (const pt of payloads) {
    const rtpmap = audio.rtp.find((r) => r.payload === pt);
    const name = rtpmap ? rtpmap.codec.toUpperCase() : STATIC_PT[pt];
    const rate = rtpmap?.rate ?? 8000;
    if (!chosen && (name === 'PCMA' || name === 'PCMU') && rate === 8000) chosen = { name, pt };
    if (dtmf === undefined && name === 'TELEPHONE-EVENT' && rate === 8000) dtmf = pt;
  }
  if (!chosen) return { ok: false, reason: 'no common codec (PCMA or PCMU)' };
  const direction = directionOf(audio.direction ?? sdp.direction);
  return {
    ok: true,
    remote: {
      address,
      port: audio.port,
      codec: chosen.name,
      payloadType: chosen.pt,
      dtmfPayloadType: dtmf,
      direction: address === '0.0.0.0' ? 'inactive' : direction,
    },
  };
}

function directionOf(value: string | undefined): Direction {
  return value === 'sendonly' || value === 'recvonly' || value === 'inactive' ? value : 'sendrecv';
}

/** Our direction answers theirs: they hold (sendonly) → we only receive. */
export function answerDirection(theirs: Direction): Direction {
  if (theirs === 'sendonly') return 'recvonly';
  if (theirs === 'recvonly') return 'sendonly';
  return theirs;
}

export interface AnswerOptions {
  address: string;
  port: number;
  remote: RemoteAudio;
  sessionId: number;
  version: number;
}

export function buildAnswer(options: AnswerOptions): string {
  const { remote } = options;
  const rtp: { payload: number; codec: string; rate: number }[] = [
    { payload: remote.payloadType, codec: remote.codec, rate: 8000 },
  ];
  const fmtp: { payload: number; config: string }[] = [];
  if (remote.dtmfPayloadType !== undefined) {
    rtp.push({ payload: remote.dtmfPayloadType, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: remote.dtmfPayloadType, config: '0-15' });
  }
  const ipVer = options.address.includes(':') ? 6 : 4;
  return write({
    version: 0,
    origin: {
      username: 'guichet',
      sessionId: options.sessionId,
      sessionVersion: options.version,
      netType: 'IN',
      ipVer,
      address: options.address,
    },
    name: 'Guichet',
    connection: { version: ipVer, ip: options.address },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: options.port,
        protocol: 'RTP/AVP',
        payloads: rtp.map((r) => r.payload).join(' '),
        rtp,
        fmtp,
        ptime: 20,
        direction: answerDirection(remote.direction),
      },
    ],
  });
}
