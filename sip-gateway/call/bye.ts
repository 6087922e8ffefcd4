import { addressUri, headerValue, headerValues, type SipRequest } from '../sip/message.js';
import type { IncomingInvite } from '../sip/uas.js';

/**
 * A BYE from our side of the dialog the INVITE created (RFC 3261 §12.2.1.1):
 * to the caller's Contact, From/To swapped, through its Record-Route set.
 * The UAS adds the Via.
 */
export function byeRequest(invite: IncomingInvite, cseq: number): SipRequest {
  const h = invite.request.headers;
  const from = headerValue(h, 'From') ?? '';
  const to = headerValue(h, 'To') ?? '';
  const contact = headerValue(h, 'Contact');
  const target = contact ? addressUri(contact) : addressUri(from);
  const headers = [
    { name: 'Max-Forwards', value: '70' },
    ...headerValues(h, 'Record-Route').map((value) => ({ name: 'Route', value })),
    { name: 'From', value: /;\s*tag=/i.test(to) ? to : `${to};tag=${invite.toTag}` },
    { name: 'To', value: from },
    { name: 'Call-ID', value: headerValue(h, 'Call-ID') ?? '' },
    { name: 'CSeq', value: `${cseq} BYE` },
    { name: 'User-Agent', value: 'Guichet SIP gateway' },
  ];
  return { kind: 'request', method: 'BYE', uri: target, headers, body: Buffer.alloc(0) };
}
