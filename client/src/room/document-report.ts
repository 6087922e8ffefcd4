import type { DocumentStateReport } from '../../../signaling/protocol/index.js';
import { GuichetError } from '../errors.js';
import { mediaErrorCode } from '../local-media.js';

/*
 * What document mode tells the agent (issue 16), from what the browser
 * itself says: the way the camera faces and the size it captures, or why it
 * did not start. Nothing is guessed: a browser that does not say which way
 * its camera faces (desktop webcams) gives 'unknown-side', one that does not
 * say the size gives none.
 */

export function cameraReport(track: Pick<MediaStreamTrack, 'getSettings'>): DocumentStateReport {
  const settings = track.getSettings();
  const state =
    settings.facingMode === 'environment'
      ? 'rear'
      : settings.facingMode === 'user'
        ? 'front'
        : 'unknown-side';
  const width = Math.round(settings.width ?? 0);
  const height = Math.round(settings.height ?? 0);
  return width > 0 && height > 0 ? { state, width, height } : { state };
}

export function failureReport(error: unknown): DocumentStateReport {
  // The browser's own errors carry their name; ours (no track, no camera sent) their code.
  switch (error instanceof GuichetError ? error.code : mediaErrorCode(error)) {
    case 'MEDIA_DENIED':
      return { state: 'denied' };
    case 'MEDIA_NOT_FOUND':
      return { state: 'not-found' };
    case 'MEDIA_IN_USE':
      return { state: 'busy' };
    default:
      return { state: 'failed' };
  }
}
