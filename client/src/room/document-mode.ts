import { GuichetError } from '../errors.js';
import type { LocalMedia } from '../local-media.js';

/**
 * Rear camera, as sharp as it goes: the agent reads an ID card through it.
 * An ideal above any phone's sensor mode makes the browser pick the largest
 * it offers (capped by the UA at the camera's maximum, never an error).
 */
const DOCUMENT_CONSTRAINTS: MediaTrackConstraints = {
  facingMode: { ideal: 'environment' },
  width: { ideal: 4096 },
  height: { ideal: 2160 },
};
const FRONT_CONSTRAINTS: MediaTrackConstraints = {
  facingMode: { ideal: 'user' },
  width: { ideal: 1280 },
  height: { ideal: 720 },
};

/** What document mode needs from the call: swapping the camera producer's track. */
export interface CameraProducer {
  replaceCameraTrack(track: MediaStreamTrack): Promise<boolean>;
}

/**
 * « Montrer un document »: the camera producer sends the rear camera in HD
 * instead of the front one (producer.replaceTrack: same producer, same tile
 * for the agent, no renegotiation), then the front camera again.
 */
export class DocumentMode {
  private track: MediaStreamTrack | undefined;

  /**
   * @param onLost the rear camera stopped by itself while sent (unplugged,
   *   taken by another app); the caller decides what to say and calls exit().
   */
  constructor(
    private readonly call: CameraProducer,
    private readonly media: LocalMedia,
    private readonly onLost: () => void = () => undefined,
  ) {}

  get active(): boolean {
    return this.track !== undefined;
  }

  /** Resolves with the track now sent, for the self view. */
  async enter(): Promise<MediaStreamTrack> {
    if (this.track) return this.track;
    // The front camera goes first: many Android phones can't run two cameras at
    // once, and a laptop's only camera, still open, would be served again at its
    // current size instead of the largest it offers. exit() opens it again.
    this.media.video?.stop();
    let track: MediaStreamTrack;
    try {
      track = await openCamera(DOCUMENT_CONSTRAINTS);
    } catch (error) {
      // No rear camera: the agent gets the usual picture back rather than none.
      await this.sendFront().catch(() => undefined);
      throw error;
    }
    // A still document: keep the resolution, give up frame rate when the link is short.
    track.contentHint = 'detail';
    if (!(await this.call.replaceCameraTrack(track))) {
      track.stop();
      throw new GuichetError('MEDIA_FAILED', 'no camera is being sent');
    }
    this.track = track;
    // stop() fires no 'ended': only a camera that goes away by itself lands here.
    track.addEventListener('ended', () => {
      if (this.track === track) this.onLost();
    });
    return track;
  }

  /** Back to the usual camera. Idempotent. */
  async exit(): Promise<void> {
    const track = this.track;
    if (!track) return;
    this.track = undefined;
    track.stop();
    await this.sendFront();
  }

  /** Opens the front camera again if it was let go, and sends it. */
  private async sendFront(): Promise<void> {
    let front = this.media.video;
    if (!front || front.readyState === 'ended') {
      front = await openCamera(FRONT_CONSTRAINTS);
      const old = this.media.video;
      if (old) this.media.stream.removeTrack(old);
      this.media.stream.addTrack(front);
      this.media.video = front;
      // addTrack() fires no event by itself; whoever watches the stream (device-loss.ts) must learn of it.
      this.media.stream.dispatchEvent(new MediaStreamTrackEvent('addtrack', { track: front }));
    }
    await this.call.replaceCameraTrack(front);
  }

  /** Stops the rear camera without touching the call (it is over). */
  close(): void {
    this.track?.stop();
    this.track = undefined;
  }
}

async function openCamera(video: MediaTrackConstraints): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new GuichetError('MEDIA_NOT_FOUND', 'no camera track');
  return track;
}
