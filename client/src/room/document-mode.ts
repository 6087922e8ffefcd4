import { GuichetError } from '../errors.js';
import { mediaErrorCode, type LocalMedia } from '../local-media.js';

/** Rear camera, as sharp as it goes: the agent reads an ID card through it. */
const DOCUMENT_CONSTRAINTS: MediaTrackConstraints = {
  facingMode: { ideal: 'environment' },
  width: { ideal: 1920 },
  height: { ideal: 1080 },
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

  constructor(
    private readonly call: CameraProducer,
    private readonly media: LocalMedia,
  ) {}

  get active(): boolean {
    return this.track !== undefined;
  }

  /** Resolves with the track now sent, for the self view. */
  async enter(): Promise<MediaStreamTrack> {
    if (this.track) return this.track;
    let track: MediaStreamTrack;
    try {
      track = await openCamera(DOCUMENT_CONSTRAINTS);
    } catch (error) {
      // Many Android phones can't run two cameras at once: let the front one go first.
      if (mediaErrorCode(error) !== 'MEDIA_IN_USE' || !this.media.video) throw error;
      this.media.video.stop();
      track = await openCamera(DOCUMENT_CONSTRAINTS);
    }
    if (!(await this.call.replaceCameraTrack(track))) {
      track.stop();
      throw new GuichetError('MEDIA_FAILED', 'no camera is being sent');
    }
    this.track = track;
    return track;
  }

  /** Back to the usual camera. Idempotent. */
  async exit(): Promise<void> {
    const track = this.track;
    if (!track) return;
    this.track = undefined;
    let front = this.media.video;
    if (!front || front.readyState === 'ended') {
      // We let it go (above), or the phone did when the rear camera opened: open it again.
      track.stop();
      front = await openCamera(FRONT_CONSTRAINTS);
      const old = this.media.video;
      if (old) this.media.stream.removeTrack(old);
      this.media.stream.addTrack(front);
      this.media.video = front;
    }
    await this.call.replaceCameraTrack(front);
    track.stop();
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
