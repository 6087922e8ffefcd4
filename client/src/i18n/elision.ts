/*
 * « de » + a name, elided before a vowel sound: « Écran d’Alice »,
 * « Écran de Bernard ». A name starting with h is left unelided: whether
 * its h is mute (Hélène) or aspirated (Hugo, for many) can't be told from
 * the spelling, and « de Hélène » is the less jarring mistake.
 */
const VOWEL_START = /^[aeiouyàâäéèêëîïôöûüùÿæœ]/i;

export function withDe(name: string): string {
  const trimmed = name.trim();
  return VOWEL_START.test(trimmed) ? `d’${trimmed}` : `de ${trimmed}`;
}
