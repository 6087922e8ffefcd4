/*
 * SMS text is kept inside the GSM 03.38 alphabet: one character outside it
 * (a curly apostrophe, « ê ») switches the whole message to UCS-2, which
 * fits 70 characters per segment instead of 160.
 */

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the extension table: each costs two septets. */
const EXTENSION = '^{}\\[~]|€\f';

const GSM_BASIC = new Set(BASIC);
const GSM_EXTENSION = new Set(EXTENSION);

const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u02bc': "'",
  '\u201c': '"',
  '\u201d': '"',
  '«': '"',
  '»': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\t': ' ',
  œ: 'oe',
  Œ: 'OE',
  ç: 'c',
};

/** Rewrites text into the GSM alphabet: known look-alikes, then accents dropped, then '?'. */
export function toGsm(text: string): string {
  let out = '';
  for (const char of text) {
    if (GSM_BASIC.has(char) || GSM_EXTENSION.has(char)) {
      out += char;
      continue;
    }
    const replacement = REPLACEMENTS[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
    out += [...bare].every((c) => GSM_BASIC.has(c)) && bare.length > 0 ? bare : '?';
  }
  return out;
}

/** Length in septets, the unit SMS segments are counted in. */
export function gsmLength(text: string): number {
  let length = 0;
  for (const char of text) length += GSM_EXTENSION.has(char) ? 2 : 1;
  return length;
}

export const SMS_MAX_LENGTH = 320;

/**
 * The first candidate (richest first) that fits two segments once rewritten
 * into GSM. When none fits (a very long link), the last and leanest one is
 * returned whole: a three-segment SMS beats a cut link.
 */
export function fitSms(candidates: readonly string[], max = SMS_MAX_LENGTH): string {
  let last = '';
  for (const candidate of candidates) {
    last = toGsm(candidate);
    if (gsmLength(last) <= max) return last;
  }
  return last;
}
