import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DigestCredentials {
  realm: string;
  username: string;
  password: string;
}

const NONCE_TTL_MS = 5 * 60_000;

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/**
 * Optional digest authentication of the trunk (RFC 3261 §22, RFC 2617 MD5,
 * qop=auth). Nonces are stateless: a timestamp signed with a per-process key,
 * so a restart or a second gateway only costs the trunk one more 401.
 */
export class DigestAuth {
  readonly #key = randomBytes(32);

  constructor(
    readonly credentials: DigestCredentials,
    readonly now: () => number = Date.now,
  ) {}

  challenge(): string {
    const stamp = String(this.now());
    const nonce = `${stamp}.${this.#sign(stamp)}`;
    return `Digest realm="${this.credentials.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"`;
  }

  /** Whether an Authorization header answers one of our challenges for this method. */
  verify(header: string | undefined, method: string): boolean {
    if (!header || !/^Digest\s/i.test(header)) return false;
    const p = parseDigestParams(header.replace(/^Digest\s+/i, ''));
    const { username, realm, nonce, uri, response } = p;
    if (!username || !realm || !nonce || !uri || !response) return false;
    if (username !== this.credentials.username || realm !== this.credentials.realm) return false;
    const [stamp, signature] = nonce.split('.');
    if (!stamp || !signature || !safeEqual(signature, this.#sign(stamp))) return false;
    const age = this.now() - Number(stamp);
    if (!(age >= 0 && age <= NONCE_TTL_MS)) return false;
    const ha1 = md5(`${username}:${realm}:${this.credentials.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const expected =
      p.qop === 'auth'
        ? md5(`${ha1}:${nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:auth:${ha2}`)
        : md5(`${ha1}:${nonce}:${ha2}`);
    return safeEqual(response.toLowerCase(), expected);
  }

  #sign(stamp: string): string {
    return createHmac('sha256', this.#key).update(stamp).digest('base64url').slice(0, 22);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseDigestParams(text: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const re = /([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1]?.toLowerCase();
    if (key) out[key] = m[2] ?? m[3];
  }
  return out;
}
