import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { buildAnswer, negotiate } from '../../sip-gateway/sdp/negotiate.js';

const offer = (m: string, extra = '', c = 'c=IN IP4 198.51.100.7') =>
  ['v=0', 'o=- 1 1 IN IP4 198.51.100.7', 's=-', c, 't=0 0', m, extra].filter(Boolean).join('\r\n') + '\r\n';

describe('SDP codec negotiation', () => {
  it('takes the first G.711 in the caller order, and telephone-event', () => {
    const r = negotiate(
      offer(
        'm=audio 4000 RTP/AVP 9 0 8 101',
        'a=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15',
      ),
    );
    expect(r).toEqual({
      ok: true,
      remote: {
        address: '198.51.100.7',
        port: 4000,
        codec: 'PCMU',
        payloadType: 0,
        dtmfPayloadType: 101,
        direction: 'sendrecv',
      },
    });
  });

  it('knows the static payload types without rtpmap, and a PCMA preference', () => {
    const r = negotiate(offer('m=audio 4000 RTP/AVP 8 0'));
    expect(r.ok && r.remote.codec).toBe('PCMA');
    expect(r.ok && r.remote.dtmfPayloadType).toBeUndefined();
  });

  it.each([
    ['no common codec', offer('m=audio 4000 RTP/AVP 9 18', 'a=rtpmap:9 G722/8000\r\na=rtpmap:18 G729/8000')],
    ['no audio', offer('m=video 4000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000')],
    ['audio disabled (port 0)', offer('m=audio 0 RTP/AVP 8')],
    ['SRTP profile', offer('m=audio 4000 RTP/SAVP 8')],
    ['no connection address', offer('m=audio 4000 RTP/AVP 8', '', '')],
    ['Opus only', offer('m=audio 4000 RTP/AVP 111', 'a=rtpmap:111 opus/48000/2')],
  ])('refuses %s', (_label, sdp) => {
    expect(negotiate(sdp).ok).toBe(false);
  });

  it('sees hold: sendonly, inactive, or c=0.0.0.0', () => {
    const held = (extra: string, c?: string) => {
      const r = negotiate(offer('m=audio 4000 RTP/AVP 8', extra, c));
      return r.ok ? r.remote.direction : undefined;
    };
    expect(held('a=sendonly')).toBe('sendonly');
    expect(held('a=inactive')).toBe('inactive');
    expect(held('', 'c=IN IP4 0.0.0.0')).toBe('inactive');
  });

  it('answers with our address and port, the chosen codec, telephone-event, and the matching direction', () => {
    const r = negotiate(
      offer('m=audio 4000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000\r\na=sendonly'),
    );
    if (!r.ok) throw new Error('offer refused');
    const answer = parse(
      buildAnswer({ address: '192.0.2.1', port: 40002, remote: r.remote, sessionId: 5, version: 2 }),
    );
    const audio = answer.media[0]!;
    expect(answer.connection?.ip).toBe('192.0.2.1');
    expect(audio.port).toBe(40002);
    expect(audio.payloads).toBe('0 101');
    expect(audio.rtp.map((x) => x.codec)).toEqual(['PCMU', 'telephone-event']);
    expect(audio.direction).toBe('recvonly');
    expect(answer.origin?.sessionVersion).toBe(2);
  });
});
