let context: AudioContext | undefined;

/**
 * Two short soft tones: someone knocks. Synthesised (no audio file to
 * download or cache). The host clicked « Rejoindre » before any knock can
 * come, so the browser lets the context run; if not, the visual cue remains.
 */
export function beep(): void {
  // Safari has had the unprefixed constructor since 14.1.
  if (typeof AudioContext !== 'function') return;
  try {
    context ??= new AudioContext();
    void context.resume().catch(() => undefined);
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 660],
      [0.22, 880],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  } catch (error) {
    console.warn('guichet: knock sound unavailable', error);
  }
}
