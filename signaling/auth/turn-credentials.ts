import { createHmac } from 'node:crypto';
import type { IceServer, PeerId } from '../protocol/index.js';

/*
 * Short-lived TURN credentials, the "TURN REST API" scheme coturn checks
 * with `use-auth-secret` + `static-auth-secret`: no user database, no call
 * between Guichet and coturn. The username carries its own expiry; coturn
 * recomputes the HMAC with the shared secret and refuses it once expired.
 */

export interface IceSettings {
  /** turn: / turns: URLs of our coturn; empty: no TURN. */
  turnUrls: readonly string[];
  /** coturn's static-auth-secret; required when turnUrls is not empty. */
  turnSecret: string | undefined;
  turnTtlSeconds: number;
  /** stun: URLs (our own coturn answers STUN too); empty by default. */
  stunUrls: readonly string[];
}

export interface TurnCredential {
  username: string;
  credential: string;
}

/**
 * `<expiry-unix-seconds>:<peerId>` and base64(HMAC-SHA1(secret, username)).
 * The peer id in the username shows up in coturn's logs, so an allocation
 * can be traced to a participant without any personal data.
 */
export function turnCredential(secret: string, peerId: string, expiresAtSeconds: number): TurnCredential {
  const username = `${expiresAtSeconds}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * Builds `iceServersFor(peerId)` for the RoomService: STUN URLs as given,
 * TURN URLs with a fresh credential valid for turnTtlSeconds from now
 * (long enough for any appointment: coturn only checks it when an
 * allocation is created or refreshed, and a new join gets a new one).
 */
export function createIceServers(
  settings: IceSettings,
  clock: () => number = Date.now,
): (peerId: PeerId) => IceServer[] {
  const { turnUrls, turnSecret, turnTtlSeconds, stunUrls } = settings;
  if (turnUrls.length > 0 && !turnSecret) {
    // config.ts refuses this too; a programming error if it ever reaches here.
    throw new Error('TURN URLs without a TURN secret: browsers would refuse them');
  }
  const stun: IceServer[] = stunUrls.length > 0 ? [{ urls: [...stunUrls] }] : [];
  return (peerId) => {
    if (turnUrls.length === 0 || !turnSecret) return stun.map((s) => ({ urls: [...s.urls] }));
    const expires = Math.floor(clock() / 1000) + turnTtlSeconds;
    return [
      ...stun.map((s) => ({ urls: [...s.urls] })),
      { urls: [...turnUrls], ...turnCredential(turnSecret, peerId, expires) },
    ];
  };
}
