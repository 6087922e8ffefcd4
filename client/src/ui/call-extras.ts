import type { MessageKey } from '../i18n/i18n.js';
import type { CallQuality } from '../quality.js';
import { byId, clearText, setText } from './dom.js';
import { QualityView } from './quality-view.js';

export interface CallExtrasActions {
  /** Audio-only chosen or left, by the button or by accepting the proposal. */
  onAudioOnly(on: boolean): void;
}

// Long enough to be read, short enough not to linger over the picture.
const RECONNECTED_NOTICE_MS = 4_000;

/**
 * What keeps a call usable on a bad network: the « reconnexion… » banner,
 * the audio-only switch, the automatic audio-only proposal and the
 * connection-quality indicators.
 */
export class CallExtras {
  private readonly banner = byId('call-banner', HTMLElement);
  private readonly audioOnlyButton = byId('audio-only-toggle', HTMLButtonElement);
  private readonly proposal = byId('low-bandwidth', HTMLElement);
  private readonly callView = byId('view-call', HTMLElement);
  private readonly quality: QualityView;
  private bannerTimer: ReturnType<typeof setTimeout> | undefined;
  private cameraWasOn = false;

  constructor(private readonly actions: CallExtrasActions) {
    this.quality = new QualityView(() => {
      if (this.audioOnly) return;
      this.proposal.hidden = false;
      setText(this.banner, 'call.lowBandwidth');
    });
    this.audioOnlyButton.addEventListener('click', () => this.setAudioOnly(!this.audioOnly));
    byId('low-bandwidth-accept', HTMLButtonElement).addEventListener('click', () => {
      this.setAudioOnly(true);
      this.audioOnlyButton.focus();
    });
    byId('low-bandwidth-dismiss', HTMLButtonElement).addEventListener('click', () => this.hideProposal());
  }

  get audioOnly(): boolean {
    return this.audioOnlyButton.getAttribute('aria-pressed') === 'true';
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
    this.hideProposal();
    this.actions.onAudioOnly(on);
  }

  /** A call is up (first join or resume): indicators follow it. */
  started(sample: () => Promise<CallQuality>): void {
    this.quality.start(sample);
  }

  /** The call is over for good: everything back to how a new call starts. */
  stopped(): void {
    this.quality.stop();
    this.quality.resetProposal();
    this.hideProposal();
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

  private hideProposal(): void {
    if (this.proposal.hidden) return;
    this.proposal.hidden = true;
    clearText(this.banner);
  }
}
