import type { LocalMedia } from './local-media.js';
import type { LocalSource } from './sender.js';

/**
 * Calls back when the camera or mic stops on its own ('ended' fires when the
 * device is unplugged, taken by another app or revoked; never for our own
 * stop()). Returns the unsubscribe.
 */
export function watchDeviceLoss(media: LocalMedia, onLost: (source: LocalSource) => void): () => void {
  const watched: [MediaStreamTrack, () => void][] = [];
  for (const [source, track] of [
    ['mic', media.audio],
    ['camera', media.video],
  ] as const) {
    if (!track) continue;
    const handler = (): void => onLost(source);
    track.addEventListener('ended', handler);
    watched.push([track, handler]);
  }
  return () => {
    for (const [track, handler] of watched) track.removeEventListener('ended', handler);
  };
}
