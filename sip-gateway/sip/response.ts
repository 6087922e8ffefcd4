import {
  headerValue,
  headerValues,
  parseCSeq,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './message.js';

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO';

/** A request a UAS can answer: the headers every response copies are there (RFC 3261 §8.2). */
export function missingMandatoryHeader(request: SipRequest): string | undefined {
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    if (!headerValue(request.headers, name)) return name;
  }
  const cseq = parseCSeq(headerValue(request.headers, 'CSeq'));
  if (!cseq) return 'CSeq';
  // An ACK or CANCEL carries the CSeq method of the INVITE it refers to: INVITE.
  const expected =
    request.method === 'ACK' || request.method === 'CANCEL' ? [request.method, 'INVITE'] : [request.method];
  if (!expected.includes(cseq.method)) return 'CSeq';
  return undefined;
}

/**
 * A response to `request` (RFC 3261 §8.2.6): Via, From, Call-ID and CSeq
 * copied, To copied and given our tag if it has none.
 */
export function buildResponse(
  request: SipRequest,
  status: number,
  options: { toTag?: string; headers?: SipHeader[]; body?: Buffer; reason?: string } = {},
): SipResponse {
  const headers: SipHeader[] = headerValues(request.headers, 'Via').map((value) => ({ name: 'Via', value }));
  if (status > 100) {
    for (const value of headerValues(request.headers, 'Record-Route'))
      headers.push({ name: 'Record-Route', value });
  }
  headers.push({ name: 'From', value: headerValue(request.headers, 'From') ?? '' });
  let to = headerValue(request.headers, 'To') ?? '';
  if (options.toTag && status > 100 && !/;\s*tag=/i.test(to)) to += `;tag=${options.toTag}`;
  headers.push({ name: 'To', value: to });
  headers.push({ name: 'Call-ID', value: headerValue(request.headers, 'Call-ID') ?? '' });
  headers.push({ name: 'CSeq', value: headerValue(request.headers, 'CSeq') ?? '' });
  headers.push({ name: 'Server', value: 'Guichet SIP gateway' });
  headers.push(...(options.headers ?? []));
  return {
    kind: 'response',
    status,
    reason: options.reason ?? REASONS[status] ?? 'Unknown',
    headers,
    body: options.body ?? Buffer.alloc(0),
  };
}
