const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element or a quoted attribute. Every string that reaches HTML goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Only web links become href values; anything else (javascript:, data:) stays text. */
export function isWebLink(href: string): boolean {
  return /^https?:\/\//i.test(href);
}

/** Only the one-tap dial-in links we build (`tel:+33…,,123456%23`) become tel: hrefs. */
export function isTelLink(href: string): boolean {
  return /^tel:\+[0-9]{6,15},,[0-9]{4,12}%23$/.test(href);
}
