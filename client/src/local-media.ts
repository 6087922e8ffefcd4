import { GuichetError, type ClientErrorCode } from './errors.js';

/*
 * Camera and microphone capture. The page owns these tracks for its whole
 * life in a room (preview, then call, then rejoin); producers are told not to
 * stop them.
 */

export interface LocalMedia {
  stream: MediaStream;
  audio: MediaStreamTrack | undefined;
  video: MediaStreamTrack | undefined;
  /** Set when capture failed or was partial, so the page can explain why. */
  problem: GuichetError | undefined;
}

// 720p: three simulcast layers (scale 4/2/1) need that much; at 640x480 only two appear.
const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};

const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export function mediaErrorCode(error: unknown): ClientErrorCode {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'MEDIA_DENIED';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'MEDIA_NOT_FOUND';
    case 'NotReadableError':
    case 'AbortError':
      return 'MEDIA_IN_USE';
    default:
      return 'MEDIA_FAILED';
  }
}

/** Devices picked on the join page; undefined means the browser's default. */
export interface DeviceChoice {
  cameraId?: string | undefined;
  micId?: string | undefined;
}

function withDevice(base: MediaTrackConstraints, deviceId: string | undefined): MediaTrackConstraints {
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

/**
 * Never rejects: a citizen without a camera can still talk, and one without
 * either can still see and hear the agent. Tries camera+mic, then mic only,
 * then camera only; a partial result keeps the first problem, so the page
 * can say what is missing.
 */
export async function acquireLocalMedia(choice: DeviceChoice = {}): Promise<LocalMedia> {
  const devices: MediaDevices | undefined = navigator.mediaDevices;
  if (!devices || typeof devices.getUserMedia !== 'function') {
    // Only secure origins (https, localhost) expose mediaDevices.
    return empty(new GuichetError('MEDIA_UNSUPPORTED', 'navigator.mediaDevices is missing'));
  }
  const audio = withDevice(AUDIO_CONSTRAINTS, choice.micId);
  const video = withDevice(VIDEO_CONSTRAINTS, choice.cameraId);
  let firstError: unknown;
  try {
    return fromStream(await devices.getUserMedia({ audio, video }), undefined);
  } catch (error) {
    firstError = error;
  }
  const code = mediaErrorCode(firstError);
  // A refusal covers both devices; asking again for each alone would only nag.
  if (code === 'MEDIA_DENIED') return empty(new GuichetError(code, 'capture refused', { cause: firstError }));
  const partial = new GuichetError(code, 'camera or mic missing', { cause: firstError });
  for (const constraints of [{ audio }, { video }]) {
    try {
      return fromStream(await devices.getUserMedia(constraints), partial);
    } catch {
      // Try the other device alone.
    }
  }
  return empty(partial);
}

export function stopLocalMedia(media: LocalMedia): void {
  for (const track of media.stream.getTracks()) track.stop();
}

function fromStream(stream: MediaStream, problem: GuichetError | undefined): LocalMedia {
  return {
    stream,
    audio: stream.getAudioTracks()[0],
    video: stream.getVideoTracks()[0],
    problem,
  };
}

function empty(problem: GuichetError): LocalMedia {
  return { stream: new MediaStream(), audio: undefined, video: undefined, problem };
}
