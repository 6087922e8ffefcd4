import { RoomIdSchema, type RoomId } from '../../signaling/protocol/index.js';

/*
 * Where the page is. The server sends the same index.html for `/` and for
 * `/r/<roomId>`; the password travels in the fragment (`#pwd=...`), which
 * browsers never send to the server, so it stays out of access logs.
 */
export type Route =
  | { kind: 'home' }
  | {
      kind: 'room';
      roomId: RoomId;
      password: string | undefined;
      token?: string | undefined;
      relayOnly?: boolean;
    }
  | { kind: 'badRoom' };

/**
 * One-click links (`/r/<roomId>?t=<token>`, from the booking) carry a signed
 * token instead: the page then asks only for the name. The token is in the
 * query because the server must read it to show a waiting page outside the
 * access window; it never logs query strings.
 */
export function parseRoute(location: { pathname: string; hash: string; search?: string }): Route {
  const match = /^\/r\/([^/]+)\/?$/.exec(location.pathname);
  if (!match?.[1]) return { kind: 'home' };
  const roomId = RoomIdSchema.safeParse(safeDecode(match[1]));
  if (!roomId.success) return { kind: 'badRoom' };
  const password = new URLSearchParams(location.hash.replace(/^#/, '')).get('pwd');
  const token = new URLSearchParams(location.search ?? '').get('t');
  const relayOnly = new URLSearchParams(location.search ?? '').get('relay') === '1';
  return {
    kind: 'room',
    roomId: roomId.data,
    password: password || undefined,
    token: token || undefined,
    ...(relayOnly ? { relayOnly } : {}),
  };
}

export function roomPath(roomId: RoomId): string {
  return `/r/${encodeURIComponent(roomId)}`;
}

/**
 * What the home form accepts: a bare room code, or a whole invitation link
 * pasted as is (its path and fragment are kept, its origin is ignored).
 */
export function parseRoomInput(input: string): { roomId: RoomId; hash: string } | undefined {
  const text = input.trim();
  const bare = RoomIdSchema.safeParse(text.toLowerCase());
  if (bare.success) return { roomId: bare.data, hash: '' };
  let url: URL;
  try {
    url = new URL(text, 'http://invalid.invalid');
  } catch {
    return undefined;
  }
  const route = parseRoute(url);
  return route.kind === 'room' ? { roomId: route.roomId, hash: url.hash } : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
