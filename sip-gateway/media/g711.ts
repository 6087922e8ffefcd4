import { createRequire } from 'node:module';
import type * as AlawMulaw from 'alawmulaw';
import type { G711Name } from '../sdp/negotiate.js';

// alawmulaw ships a UMD bundle: Node's ESM loader sees no named exports in it.
const { alaw, mulaw } = createRequire(import.meta.url)('alawmulaw') as typeof AlawMulaw;

/** G.711 in both laws, 8 kHz, one sample per byte. */
export interface G711 {
  encode(samples: Int16Array): Uint8Array;
  decode(bytes: Uint8Array): Int16Array;
  /** The byte for a zero sample: what the pacer sends when it has nothing. */
  silenceByte: number;
}

export function g711(name: G711Name): G711 {
  return name === 'PCMA'
    ? { encode: (s) => alaw.encode(s), decode: (b) => alaw.decode(b), silenceByte: 0xd5 }
    : { encode: (s) => mulaw.encode(s), decode: (b) => mulaw.decode(b), silenceByte: 0xff };
}
