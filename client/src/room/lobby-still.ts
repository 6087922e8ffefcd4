import { MAX_PREVIEW_CHARS } from '../../../signaling/protocol/index.js';

const WIDTH = 160;
const HEIGHT = 120;
// Lower qualities to try when a busy picture doesn't fit the server's limit.
const QUALITIES = [0.6, 0.45, 0.3];

/**
 * A small JPEG still of what the video element shows, as a data URL the
 * server accepts (≤ 24 KB), or undefined when there is no picture yet. The
 * host looks at it before admitting; it is relayed, never stored.
 */
export function captureStill(video: HTMLVideoElement, canvas: HTMLCanvasElement): string | undefined {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return undefined;
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  // Cover the 4:3 still with the middle of the (usually 16:9) picture.
  const scale = Math.max(WIDTH / video.videoWidth, HEIGHT / video.videoHeight);
  const w = video.videoWidth * scale;
  const h = video.videoHeight * scale;
  context.drawImage(video, (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h);
  for (const quality of QUALITIES) {
    const url = canvas.toDataURL('image/jpeg', quality);
    if (url.startsWith('data:image/jpeg;base64,') && url.length <= MAX_PREVIEW_CHARS) return url;
  }
  return undefined;
}
