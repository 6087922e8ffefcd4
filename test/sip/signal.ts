/*
 * Test signals for the phone gateway's media tests: a pure tone, and the
 * energy at one frequency (Goertzel), so a test can tell the caller's tone
 * from the room's in what came out.
 */

/** `n` samples of a sine at `hz`, starting `offset` samples in (so frames join up). */
export const tone = (hz: number, rate: number, n: number, offset = 0, amp = 8000): Int16Array =>
  Int16Array.from({ length: n }, (_, i) =>
    Math.round(amp * Math.sin((2 * Math.PI * hz * (i + offset)) / rate)),
  );

/** Energy at one frequency, normalised by length. */
export function power(pcm: Int16Array, hz: number, rate: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const x of pcm) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2)) / pcm.length;
}

export const rms = (pcm: Int16Array): number =>
  Math.sqrt(pcm.reduce((s, x) => s + x * x, 0) / Math.max(1, pcm.length));
