import type { FastifyInstance } from 'fastify';

/**
 * No request leaves our server: every page is locked to its own origin. The
 * client bundles everything (no CDN, no remote fonts, no analytics), media
 * goes to our SFU and our TURN, and a link's token never leaks through a
 * Referer header.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  // socket.io: same origin over https/wss (or http/ws in development).
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The policy with the cluster's other nodes allowed in connect-src: a join
 * can be sent to the node that owns the room (ROOM_ELSEWHERE), and behind
 * one TLS origin (/n/<node>/) the list adds nothing.
 */
export function contentSecurityPolicy(nodeOrigins: readonly string[]): string {
  const extra = new Set<string>();
  for (const origin of nodeOrigins) {
    extra.add(origin);
    extra.add(origin.replace(/^http/, 'ws'));
  }
  if (extra.size === 0) return CONTENT_SECURITY_POLICY;
  return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", `connect-src 'self' ${[...extra].join(' ')}`);
}

/** `nodeOrigins`: the other nodes' origins (scheme://host:port), read per response. */
export function installSecurityHeaders(
  app: FastifyInstance,
  nodeOrigins: () => readonly string[] = () => [],
): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', contentSecurityPolicy(nodeOrigins()));
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header(
      'permissions-policy',
      'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
    );
    return payload;
  });
}
