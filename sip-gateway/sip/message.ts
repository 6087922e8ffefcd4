/**
 * SIP messages (RFC 3261 §7): a small parser and serializer. Only what a
 * trunk-facing user agent server needs; anything that does not parse is a
 * SipParseError, never an exception that escapes the transport.
 */

export interface SipHeader {
  name: string;
  value: string;
}

interface SipBase {
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipBase {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

export class SipParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipParseError';
  }
}

/** RFC 3261 §7.3.3 compact forms, expanded on parse so lookups need one name. */
const COMPACT: Record<string, string> = {
  v: 'Via',
  f: 'From',
  t: 'To',
  i: 'Call-ID',
  m: 'Contact',
  l: 'Content-Length',
  c: 'Content-Type',
  k: 'Supported',
  s: 'Subject',
  e: 'Content-Encoding',
};

const MAX_MESSAGE_BYTES = 65_535;
const METHOD = /^[A-Za-z!%*_+`'~.-]+$/;

/** Where the header block ends: the offset of the body, or -1 if not all there yet. */
export function headerEnd(data: Buffer): { headerLength: number; bodyStart: number } | null {
  const crlf = data.indexOf('\r\n\r\n');
  if (crlf >= 0) return { headerLength: crlf, bodyStart: crlf + 4 };
  const lf = data.indexOf('\n\n');
  if (lf >= 0) return { headerLength: lf, bodyStart: lf + 2 };
  return null;
}

/**
 * One message from one datagram (or one framed TCP message). A body longer
 * than Content-Length is cut (RFC 3261 §18.3); a shorter one is an error.
 */
export function parseSipMessage(data: Buffer): SipMessage {
  if (data.length > MAX_MESSAGE_BYTES) throw new SipParseError('message too large');
  const end = headerEnd(data);
  if (!end) throw new SipParseError('no end of headers');
  const head = data.subarray(0, end.headerLength).toString('utf8');
  const lines = head.split(/\r?\n/);
  const startLine = lines.shift()?.trim() ?? '';
  const headers = parseHeaderLines(lines);
  let body = data.subarray(end.bodyStart);
  const lengthValue = headerValue(headers, 'Content-Length');
  if (lengthValue !== undefined) {
    if (!/^\d+$/.test(lengthValue.trim())) throw new SipParseError('bad Content-Length');
    const length = Number(lengthValue.trim());
    if (length > body.length) throw new SipParseError('body shorter than Content-Length');
    body = body.subarray(0, length);
  }
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);
  if (status) {
    return { kind: 'response', status: Number(status[1]), reason: status[2] ?? '', headers, body };
  }
  const request = /^(\S+) (\S+) SIP\/2\.0$/.exec(startLine);
  if (!request || !METHOD.test(request[1] ?? '')) throw new SipParseError('bad start line');
  return { kind: 'request', method: request[1] ?? '', uri: request[2] ?? '', headers, body };
}

function parseHeaderLines(lines: string[]): SipHeader[] {
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // Folded continuation of the previous header (RFC 3261 §7.3.1).
      const last = headers.at(-1);
      if (!last) throw new SipParseError('continuation before any header');
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('header without a colon');
    const rawName = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(rawName)) throw new SipParseError('bad header name');
    const name = COMPACT[rawName.toLowerCase()] ?? rawName;
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export function headerValue(headers: SipHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

export function headerValues(headers: SipHeader[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

/** Every value of a header that may be comma-separated (Via, Record-Route), in order. */
export function listHeader(headers: SipHeader[], name: string): string[] {
  return headerValues(headers, name).flatMap(splitOutsideQuotes);
}

function splitOutsideQuotes(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth--;
    if (ch === ',' && !quoted && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

export function serializeSipMessage(message: SipMessage): Buffer {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const lines = [start];
  for (const h of message.headers) {
    if (h.name.toLowerCase() !== 'content-length') lines.push(`${h.name}: ${h.value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), message.body]);
}

/** A header parameter (`;tag=`, `;branch=`), outside of any `<...>` URI. */
export function headerParam(value: string, param: string): string | undefined {
  const close = value.lastIndexOf('>');
  const params = close >= 0 ? value.slice(close + 1) : value;
  const re = new RegExp(`;\\s*${param}\\s*=\\s*("[^"]*"|[^;,\\s]+)`, 'i');
  const found = re.exec(params)?.[1];
  return found?.replace(/^"|"$/g, '');
}

/** The URI inside a name-addr (`"Bob" <sip:bob@host>;tag=x`) or an addr-spec. */
export function addressUri(value: string): string {
  const open = value.indexOf('<');
  const close = value.indexOf('>', open);
  if (open >= 0 && close > open) return value.slice(open + 1, close);
  return value.split(';')[0]?.trim() ?? '';
}

/** The user part of a sip:/sips:/tel: URI, or undefined. */
export function uriUser(uri: string): string | undefined {
  const tel = /^tel:([^;]+)/i.exec(uri);
  if (tel) return tel[1];
  const sip = /^sips?:([^@;]+)@/i.exec(uri);
  return sip?.[1];
}

/** host and port of a sip: URI (for sending in-dialog requests to the Contact). */
export function uriHostPort(uri: string): { host: string; port: number } | undefined {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>?]+)(?::(\d+))?/i.exec(uri);
  if (!m?.[1]) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 5060 };
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string | undefined): CSeq | undefined {
  const m = /^(\d{1,10})\s+(\S+)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const seq = Number(m[1]);
  return seq < 2 ** 31 ? { seq, method: m[2] ?? '' } : undefined;
}
