import type { DocumentStateReport } from '../../../signaling/protocol/index.js';
import type { Call } from '../call.js';
import type { MessageKey, MessageVars } from '../i18n/i18n.js';
import type { LocalMedia } from '../local-media.js';
import { DocumentMode } from '../room/document-mode.js';
import { cameraReport, failureReport } from '../room/document-report.js';
import type { RoomLink } from '../room/room-link.js';
import { byId, clearText, play, setText } from './dom.js';

type Say = (key: MessageKey, vars?: MessageVars) => void;

/** Desktop browsers only: phones either lack getDisplayMedia or can't share a useful screen. */
function canShareScreen(): boolean {
  const devices: MediaDevices | undefined = navigator.mediaDevices;
  return (
    typeof devices?.getDisplayMedia === 'function' &&
    typeof window.matchMedia === 'function' &&
    window.matchMedia('(any-pointer: fine)').matches
  );
}

/**
 * « Montrer un document » (guests: the rear camera in HD, also switched on
 * when the agent asks) and « Partager l’écran » (desktop browsers). Both
 * toggles carry aria-pressed and work only once the call sends media.
 * Document mode tells the agent what it does (documentState): the rear
 * camera and the size it captures, or why not.
 */
export class ShareButtons {
  private readonly screenButton = byId('screen-toggle', HTMLButtonElement);
  private readonly documentButton = byId('document-toggle', HTMLButtonElement);
  private readonly selfView = byId('local-video', HTMLVideoElement);
  private readonly callView = byId('view-call', HTMLElement);
  private readonly guide = byId('document-guide', HTMLElement);
  private call: Call | undefined;
  private media: LocalMedia | undefined;
  private documentMode: DocumentMode | undefined;
  private link: RoomLink | undefined;
  private screen: { track: MediaStreamTrack; stop: () => void } | undefined;

  constructor(private readonly say: Say) {
    this.documentButton.addEventListener('click', () => void this.setDocument(!this.documentMode?.active));
    // On a phone the toggle sits in « Plus »: the frame carries its own way out.
    byId('document-done', HTMLButtonElement).addEventListener('click', () => void this.setDocument(false));
    this.screenButton.addEventListener(
      'click',
      () => void (this.screen ? this.stopScreen() : this.startScreen()),
    );
  }

  attach(link: RoomLink): (() => void)[] {
    this.link = link;
    return [
      link.on('documentRequested', () => {
        this.say('document.requested');
        // Asked before anything is sent (the call still starting): the agent hears it did not work.
        if (!this.documentMode) this.report({ state: 'failed' });
        void this.setDocument(true);
      }),
    ];
  }

  /** The call sends media now: offer what this participant can use. */
  sending(call: Call, media: LocalMedia, host: boolean): void {
    this.call = call;
    this.media = media;
    const mode = new DocumentMode(call, media, () => {
      if (this.documentMode === mode) void this.setDocument(false, true);
    });
    this.documentMode = mode;
    this.documentButton.hidden = host || !call.canSend('camera');
    this.screenButton.hidden = !canShareScreen() || !(call.canSend('camera') || call.canSend('mic'));
  }

  clear(): void {
    this.documentMode?.close();
    this.documentMode = undefined;
    this.link = undefined;
    this.stopScreen();
    this.call = undefined;
    this.media = undefined;
    this.documentButton.hidden = true;
    this.screenButton.hidden = true;
    this.documentButton.setAttribute('aria-pressed', 'false');
    this.selfView.classList.add('mirror');
    this.setGuide(false);
  }

  /** @param lost the rear camera stopped by itself: she and the agent are told so. */
  private async setDocument(on: boolean, lost = false): Promise<void> {
    const mode = this.documentMode;
    if (!mode || mode.active === on) return;
    this.documentButton.disabled = true;
    try {
      if (on) {
        let track: MediaStreamTrack;
        try {
          track = await mode.enter();
        } catch (error) {
          this.report(failureReport(error));
          throw error;
        }
        // The self view shows what the agent sees, unmirrored, so the text reads right.
        this.showSelf(new MediaStream([track]), false);
        this.setGuide(true);
        this.report(cameraReport(track));
      } else {
        try {
          await mode.exit();
        } finally {
          this.report({ state: lost ? 'lost' : 'off' });
        }
        if (this.media) this.showSelf(this.media.stream, true);
        this.setGuide(false);
        this.say(lost ? 'document.lost' : 'document.off');
      }
    } catch (error) {
      console.warn('guichet: document mode failed', error);
      this.say('document.failed');
    } finally {
      this.documentButton.disabled = false;
      this.documentButton.setAttribute('aria-pressed', String(mode.active));
    }
  }

  /** To the agent; a report that does not get through changes nothing here. */
  private report(report: DocumentStateReport): void {
    this.link?.documentState(report).catch((error: unknown) => {
      console.warn('guichet: document state not sent', error);
    });
  }

  /** Her own picture large, with the card frame and the instruction, while the agent looks. */
  private setGuide(on: boolean): void {
    this.callView.classList.toggle('document-mode', on);
    if (on) setText(this.guide, 'document.guide');
    else clearText(this.guide);
  }

  private showSelf(stream: MediaStream, mirror: boolean): void {
    this.selfView.srcObject = stream;
    this.selfView.classList.toggle('mirror', mirror);
    play(this.selfView, () => undefined);
  }

  private async startScreen(): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.screenButton.disabled = true;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { max: 15 } } });
      const track = stream.getVideoTracks()[0];
      if (!track) return;
      // Text stays sharp at the cost of motion: screens are documents, mostly.
      track.contentHint = 'detail';
      if (this.call !== call) return track.stop();
      const stop = await call.shareScreen(track);
      this.screen = { track, stop };
      // The browser's own « Arrêter le partage » bar ends the track.
      track.addEventListener('ended', () => this.stopScreen());
      this.screenButton.setAttribute('aria-pressed', 'true');
    } catch (error) {
      // Cancelling the browser's picker lands here too (NotAllowedError): nothing to say then.
      if (!(error instanceof Error && error.name === 'NotAllowedError')) this.say('share.failed');
      console.warn('guichet: screen sharing failed', error);
    } finally {
      this.screenButton.disabled = false;
    }
  }

  private stopScreen(): void {
    const screen = this.screen;
    this.screen = undefined;
    this.screenButton.setAttribute('aria-pressed', 'false');
    if (!screen) return;
    screen.stop();
    screen.track.stop();
  }
}
