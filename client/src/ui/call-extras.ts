import type { MessageKey } from '../i18n/i18n.js';
import type { CallQuality } from '../quality.js';
import {
  QualityGuard,
  limitFor,
  receivesVideo,
  type LinkSample,
  type SendLimit,
  type VideoStep,
} from '../quality-guard.js';
import { byId, clearText, setText } from './dom.js';
import { QualityView } from './quality-view.js';
import { showToast } from './toast.js';

export interface CallExtrasActions {
  /** Audio-only chosen or left with the button: receive side (the camera follows its own button). */
  onAudioOnly(on: boolean): void;
  /** Audio first on a poor link: what the camera and mic may send, and whether to receive video. */
  onVideoLimit(limit: SendLimit, receiveVideo: boolean): void;
}

// Long enough to be read, short enough not to linger over the picture.
const RECONNECTED_NOTICE_MS = 4_000;

/**
 * What keeps a call usable on a bad network: the « reconnexion… » banner,
 * the audio-only switch, audio first on a poor link (video stepped down,
 * then paused both ways with one notice, and back by itself), and the
 * connection-quality indicators.
 */
export class CallExtras {
  private readonly banner = byId('call-banner', HTMLElement);
  private readonly audioOnlyButton = byId('audio-only-toggle', HTMLButtonElement);
  private readonly callView = byId('view-call', HTMLElement);
  private readonly toast = byId('call-status', HTMLElement);
  private readonly quality: QualityView;
  private readonly guard = new QualityGuard();
  private bannerTimer: ReturnType<typeof setTimeout> | undefined;
  private cameraWasOn = false;
  /** The « vidéo en pause » notice is up: shown once per poor spell, not at every retry. */
  private pausedNotice = false;

  constructor(private readonly actions: CallExtrasActions) {
    this.quality = new QualityView((link) => this.estimate(link));
    this.audioOnlyButton.addEventListener('click', () => this.setAudioOnly(!this.audioOnly));
  }

  get audioOnly(): boolean {
    return this.audioOnlyButton.getAttribute('aria-pressed') === 'true';
  }

  /** The step audio first is at (for the e2e tests, through the page's class too). */
  get videoStep(): VideoStep {
    return this.guard.step;
  }

  /** The view shows the choice; the app applies it to the call. */
  setAudioOnly(on: boolean): void {
    this.audioOnlyButton.setAttribute('aria-pressed', String(on));
    this.callView.classList.toggle('audio-only', on);
    // Our camera goes off with it (through its own button, so every state
    // stays in step), and comes back afterwards if it was on.
    const camera = byId('camera-toggle', HTMLButtonElement);
    const cameraOn = camera.getAttribute('aria-pressed') === 'true';
    if (on && cameraOn) camera.click();
    else if (!on && this.cameraWasOn && !cameraOn && !camera.disabled) camera.click();
    if (on) this.cameraWasOn = cameraOn;
    this.actions.onAudioOnly(on);
  }

  /** A call is up (first join or resume): indicators follow it. */
  started(sample: () => Promise<CallQuality>): void {
    this.quality.start(sample);
  }

  /** The call is over for good: everything back to how a new call starts. */
  stopped(): void {
    this.quality.stop();
    this.guard.reset();
    this.pausedNotice = false;
    this.callView.dataset['videoStep'] = 'full';
    this.audioOnlyButton.setAttribute('aria-pressed', 'false');
    this.callView.classList.remove('audio-only');
    this.cameraWasOn = false;
    clearTimeout(this.bannerTimer);
    clearText(this.banner);
  }

  setReconnecting(on: boolean, notice: MessageKey = 'call.reconnecting'): void {
    clearTimeout(this.bannerTimer);
    if (on) {
      this.quality.stop();
      setText(this.banner, notice);
      return;
    }
    setText(this.banner, 'call.reconnected');
    this.bannerTimer = setTimeout(() => clearText(this.banner), RECONNECTED_NOTICE_MS);
  }

  private estimate(link: LinkSample): void {
    const step = this.guard.sample(link);
    if (step === undefined) return;
    // One line per change, for whoever reads the console after a bad call (the e2e tests print it).
    console.warn(`guichet: audio first: ${step}`, JSON.stringify(link));
    this.callView.dataset['videoStep'] = step;
    // Chosen audio-only wins: the guard only ever shapes what the user left on.
    this.actions.onVideoLimit(limitFor(step, link.kbps), receivesVideo(step) && !this.audioOnly);
    if (step === 'paused' && !this.pausedNotice) {
      this.pausedNotice = true;
      clearTimeout(this.bannerTimer);
      setText(this.banner, 'call.videoPaused');
    } else if (receivesVideo(step) && this.pausedNotice) {
      // Only once a probe found room: a failed probe keeps the one notice up.
      this.pausedNotice = false;
      clearText(this.banner);
      showToast(this.toast, 'call.videoBack');
    }
  }
}
