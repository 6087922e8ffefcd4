import type { LocalMedia } from '../local-media.js';
import { captureStill } from '../room/lobby-still.js';
import type { RoomLink } from '../room/room-link.js';
import { byId, play } from './dom.js';

/** About one still a second: lively enough to recognise someone, well under the server's limit. */
const STILL_INTERVAL_MS = 1_000;

/**
 * The guest's waiting screen: their own camera, a calm message, and in the
 * background a small still sent to the agent every second, so the agent
 * sees who knocks before letting them in.
 */
export class LobbyView {
  private readonly video = byId('lobby-video', HTMLVideoElement);
  private readonly canvas = document.createElement('canvas');
  private timer: ReturnType<typeof setInterval> | undefined;
  private link: RoomLink | undefined;

  constructor() {
    this.video.muted = true;
    this.video.addEventListener('loadeddata', () => this.sendStill());
  }

  start(link: RoomLink, media: Promise<LocalMedia>): void {
    this.stop();
    this.link = link;
    void media.then((local) => {
      if (this.link !== link) return;
      const hasVideo = local.video !== undefined && local.video.readyState === 'live';
      this.video.closest('.tile')?.setAttribute('data-video', hasVideo ? 'on' : 'off');
      this.video.srcObject = hasVideo ? local.stream : null;
      if (hasVideo) play(this.video, () => undefined);
    });
    this.timer = setInterval(() => this.sendStill(), STILL_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.link = undefined;
    this.video.srcObject = null;
  }

  private sendStill(): void {
    const link = this.link;
    if (!link) return;
    if (link.isClosed) return this.stop();
    const still = captureStill(this.video, this.canvas);
    // A refused still (rate limit, admitted meanwhile) is simply replaced by the next one.
    if (still) link.sendPreview(still).catch(() => undefined);
  }
}
