import type { LocalMedia } from './local-media.js';
import type { LocalSource } from './sender.js';

/**
 * Calls back when the camera or mic stops on its own ('ended' fires when the
 * device is unplugged, taken by another app or revoked; never for our own
 * stop()). Tracks added to the stream later (the front camera reopened after
 * document mode) are watched too. Returns the unsubscribe.
 */
export function watchDeviceLoss(media: LocalMedia, onLost: (source: LocalSource) => void): () => void {
  const watched = new Map<MediaStreamTrack, () => void>();
  const watch = (track: MediaStreamTrack): void => {
    if (watched.has(track)) return;
    const handler = (): void => onLost(track.kind === 'audio' ? 'mic' : 'camera');
    track.addEventListener('ended', handler);
    watched.set(track, handler);
  };
  for (const track of media.stream.getTracks()) watch(track);
  const onAdd = (event: MediaStreamTrackEvent): void => watch(event.track);
  media.stream.addEventListener('addtrack', onAdd);
  return () => {
    media.stream.removeEventListener('addtrack', onAdd);
    for (const [track, handler] of watched) track.removeEventListener('ended', handler);
    watched.clear();
  };
}
