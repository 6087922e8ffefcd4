/*
 * The microphone level on the join page: "do they hear me?" answered before
 * the call. WebAudio AnalyserNode, read once per animation frame.
 */

export class LevelMeter {
  private readonly context: AudioContext | undefined;
  private frame = 0;
  private closed = false;
  private readonly resumeOnGesture = (): void => void this.context?.resume().catch(() => undefined);

  /** onLevel gets 0..1 (RMS scaled so that ordinary speech reaches about half). */
  constructor(track: MediaStreamTrack, onLevel: (level: number) => void) {
    // Browsers without WebAudio (very old ones) simply get no meter.
    if (typeof window.AudioContext !== 'function') return;
    this.context = new AudioContext();
    const source = this.context.createMediaStreamSource(new MediaStream([track]));
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = (): void => {
      if (this.closed) return;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      onLevel(Math.min(1, rms * 4));
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
    // A context made before any tap may start suspended (autoplay rules).
    if (this.context.state === 'suspended') {
      this.resumeOnGesture();
      document.addEventListener('pointerdown', this.resumeOnGesture);
      document.addEventListener('keydown', this.resumeOnGesture);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    cancelAnimationFrame(this.frame);
    document.removeEventListener('pointerdown', this.resumeOnGesture);
    document.removeEventListener('keydown', this.resumeOnGesture);
    void this.context?.close().catch(() => undefined);
  }
}
