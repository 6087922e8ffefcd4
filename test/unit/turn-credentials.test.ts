import { describe, expect, it } from 'vitest';
import { PeerIdSchema } from '../../signaling/protocol/index.js';
import { createIceServers, turnCredential } from '../../signaling/auth/turn-credentials.js';

const SECRET = 'coturn-shared-secret-for-tests-0123456789';
const peer = PeerIdSchema.parse('p-1');

describe('TURN credentials (coturn use-auth-secret)', () => {
  it('gives `<expiry>:<peerId>` and the value computed independently (openssl dgst -sha1 -hmac)', () => {
    // printf '%s' '1700021600:p-1' | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
    expect(turnCredential(SECRET, 'p-1', 1_700_021_600)).toEqual({
      username: '1700021600:p-1',
      credential: 'k2Ds8pEjFL7SaX1MwaIaJUsC8ig=',
    });
  });

  it('builds per-peer ICE servers that expire TURN_TTL_SECONDS from now', () => {
    const iceServersFor = createIceServers(
      {
        turnUrls: ['turn:turn.example.fr:3478?transport=udp', 'turns:turn.example.fr:5349?transport=tcp'],
        turnSecret: SECRET,
        turnTtlSeconds: 6 * 3600,
        stunUrls: ['stun:turn.example.fr:3478'],
      },
      () => 1_700_000_000_500,
    );
    expect(iceServersFor(peer)).toEqual([
      { urls: ['stun:turn.example.fr:3478'] },
      {
        urls: ['turn:turn.example.fr:3478?transport=udp', 'turns:turn.example.fr:5349?transport=tcp'],
        username: '1700021600:p-1',
        credential: 'k2Ds8pEjFL7SaX1MwaIaJUsC8ig=',
      },
    ]);
  });

  it('hands out nothing by default: no public STUN server, ever', () => {
    const none = createIceServers({ turnUrls: [], turnSecret: undefined, turnTtlSeconds: 60, stunUrls: [] });
    expect(none(peer)).toEqual([]);
  });

  it('refuses TURN URLs without a secret', () => {
    expect(() =>
      createIceServers({
        turnUrls: ['turn:t.example.fr'],
        turnSecret: undefined,
        turnTtlSeconds: 60,
        stunUrls: [],
      }),
    ).toThrow(/secret/);
  });
});
