import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * The console's session cookie: httpOnly (no script reads it), SameSite=Lax
 * (a cross-site POST never carries it; a link from an email still lands
 * signed in), Path=/, and Secure with the __Host- prefix in production, which
 * also pins it to this exact host.
 */

export interface CookiePolicy {
  secure: boolean;
}

export function sessionCookieName(policy: CookiePolicy): string {
  return policy.secure ? '__Host-guichet_session' : 'guichet_session';
}

/** The value of one cookie from the Cookie header (first match), or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(
  reply: FastifyReply,
  policy: CookiePolicy,
  token: string,
  maxAgeMs: number,
): void {
  const attributes = [
    `${sessionCookieName(policy)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
    ...(policy.secure ? ['Secure'] : []),
  ];
  reply.header('set-cookie', attributes.join('; '));
}

export function clearSessionCookie(reply: FastifyReply, policy: CookiePolicy): void {
  const attributes = [`${sessionCookieName(policy)}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (policy.secure) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}
