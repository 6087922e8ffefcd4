import type { RemoteMedia } from '../call-types.js';
import { t } from '../i18n/i18n.js';
import { spatialLayerForWidth } from '../send-media.js';
import { create, play, setText } from './dom.js';
import { phoneCallerLabel, phoneIcon } from './phone-icon.js';

const ABSENT_AFTER_MS = 3_000;

interface Attached {
  element: HTMLMediaElement;
  kind: RemoteMedia['kind'];
}

/**
 * One remote participant: name, camera video, sound, and "muted" badges.
 * Audio has its own element so the video element can stay muted, which is
 * what lets browsers autoplay it.
 */
export class RemoteTile {
  readonly root: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly audio: HTMLAudioElement;
  private readonly name: HTMLElement;
  private readonly micOff: HTMLElement;
  private readonly cameraOff: HTMLElement;
  private readonly noMic: HTMLElement;
  private readonly noCamera: HTMLElement;
  private readonly absentTimer: ReturnType<typeof setTimeout>;
  private readonly attached = new Map<string, Attached>();
  private displayName = '';
  private phone = false;

  private videoConsumerId: string | undefined;
  private layer: number | undefined;
  private readonly resizes: ResizeObserver | undefined;

  constructor(
    readonly peerId: string,
    private readonly onAutoplayBlocked: () => void,
    private readonly onPreferredLayer: (consumerId: string, spatialLayer: number) => void,
  ) {
    this.root = create('figure', { className: 'tile remote', attrs: { 'data-peer-id': peerId } });
    this.root.dataset['video'] = 'off';
    this.video = create('video', { attrs: { playsinline: '', autoplay: '' } });
    this.video.muted = true;
    this.audio = create('audio', { attrs: { autoplay: '' } });
    const avatar = create('div', { className: 'avatar', attrs: { 'aria-hidden': 'true' } });
    const caption = create('figcaption');
    this.name = create('span', { className: 'name' });
    this.micOff = create('span', { className: 'badge' });
    this.cameraOff = create('span', { className: 'badge' });
    setText(this.micOff, 'call.micOff');
    setText(this.cameraOff, 'call.cameraOff');
    this.micOff.hidden = true;
    this.cameraOff.hidden = true;
    this.noMic = create('span', { className: 'badge absent' });
    this.noCamera = create('span', { className: 'badge absent' });
    setText(this.noMic, 'call.noMic');
    setText(this.noCamera, 'call.noCamera');
    this.noMic.hidden = true;
    this.noCamera.hidden = true;
    caption.append(this.name, this.micOff, this.cameraOff, this.noMic, this.noCamera);
    // A participant's tracks arrive within a second of their tile; one still missing
    // after this long is a device they don't have (or don't send), and the agent is told.
    this.absentTimer = setTimeout(() => this.showAbsent(), ABSENT_AFTER_MS);
    this.root.append(this.video, avatar, this.audio, caption);
    this.setName('');
    // Older browsers without ResizeObserver just get the SFU's default layer.
    this.resizes =
      typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.updateLayer()) : undefined;
    this.resizes?.observe(this.video);
  }

  /** Asks for the simulcast layer that fits the tile, whenever that changes. */
  private updateLayer(): void {
    const width = this.video.clientWidth;
    // Zero while the call screen is still hidden: nothing to decide yet.
    if (!this.videoConsumerId || width === 0) return;
    // The agent reads documents on the citizen's tile: always the sharpest layer there
    // (the SFU still drops to a lower one when the link can't carry it).
    const layer =
      this.root.dataset['sharpest'] === 'true' ? 2 : spatialLayerForWidth(width, window.devicePixelRatio);
    if (layer === this.layer) return;
    this.layer = layer;
    this.onPreferredLayer(this.videoConsumerId, layer);
  }

  setName(displayName: string): void {
    this.displayName = displayName.trim();
    if (this.displayName) {
      delete this.name.dataset['i18n'];
      this.name.textContent = this.displayName;
    } else {
      setText(this.name, 'call.participantFallback');
    }
    const avatar = this.root.querySelector('.avatar');
    if (avatar && !this.phone)
      avatar.textContent = (this.displayName || t('call.participantFallback')).charAt(0);
    const spoken = this.root.querySelector('.phone-label');
    if (spoken) spoken.textContent = phoneCallerLabel(this.displayName);
  }

  get label(): string {
    if (this.phone) return phoneCallerLabel(this.displayName);
    return this.displayName || t('call.participantFallback');
  }

  /**
   * A caller through the phone gateway: a handset where the picture would be,
   * « Au téléphone » instead of « Pas de caméra », and a name screen readers
   * can say (« Appel téléphonique, numéro finissant par 42 »).
   */
  markPhone(): void {
    if (this.phone) return;
    this.phone = true;
    this.root.dataset['kind'] = 'phone';
    this.noCamera.remove();
    const avatar = this.root.querySelector('.avatar');
    avatar?.replaceChildren(phoneIcon('phone-sign'));
    this.name.setAttribute('aria-hidden', 'true');
    const spoken = create('span', { className: 'visually-hidden phone-label' });
    spoken.textContent = phoneCallerLabel(this.displayName);
    const badge = create('span', { className: 'badge phone-badge' });
    setText(badge, 'call.phoneBadge');
    this.name.after(spoken, badge);
  }

  attach(media: RemoteMedia): void {
    // Screen sharing is shown in place of the camera: one picture per tile.
    const element = media.kind === 'audio' ? this.audio : this.video;
    element.srcObject = new MediaStream([media.track]);
    this.attached.set(media.consumerId, { element, kind: media.kind });
    if (media.kind === 'video') {
      this.videoConsumerId = media.consumerId;
      this.layer = undefined;
      this.updateLayer();
    }
    this.setPaused(media.consumerId, media.paused);
    (media.kind === 'audio' ? this.noMic : this.noCamera).hidden = true;
    play(element, this.onAutoplayBlocked);
  }

  detach(consumerId: string): void {
    const entry = this.attached.get(consumerId);
    if (!entry) return;
    this.attached.delete(consumerId);
    if (consumerId === this.videoConsumerId) this.videoConsumerId = undefined;
    // Another consumer may have taken the element since (camera → screen).
    const stillUsed = [...this.attached.values()].some((a) => a.element === entry.element);
    if (!stillUsed) {
      entry.element.srcObject = null;
      if (entry.kind === 'video') this.root.dataset['video'] = 'off';
      (entry.kind === 'audio' ? this.micOff : this.cameraOff).hidden = true;
      (entry.kind === 'audio' ? this.noMic : this.noCamera).hidden = false;
    }
  }

  private showAbsent(): void {
    const kinds = new Set([...this.attached.values()].map((a) => a.kind));
    this.noMic.hidden = kinds.has('audio');
    // A phone has no camera to miss.
    this.noCamera.hidden = this.phone || kinds.has('video');
  }

  /** Returns the kind whose state changed, for the notice (undefined when nothing changed). */
  setPaused(consumerId: string, paused: boolean): RemoteMedia['kind'] | undefined {
    const entry = this.attached.get(consumerId);
    if (!entry) return undefined;
    const badge = entry.kind === 'audio' ? this.micOff : this.cameraOff;
    const changed = badge.hidden === paused;
    badge.hidden = !paused;
    if (entry.kind === 'video') this.root.dataset['video'] = paused ? 'off' : 'on';
    return changed ? entry.kind : undefined;
  }

  setSpeaking(speaking: boolean): void {
    this.root.classList.toggle('speaking', speaking);
  }

  /** Retries playback after a user gesture (autoplay was refused). */
  replay(): void {
    for (const { element } of this.attached.values()) play(element, this.onAutoplayBlocked);
  }

  remove(): void {
    clearTimeout(this.absentTimer);
    this.resizes?.disconnect();
    for (const { element } of this.attached.values()) element.srcObject = null;
    this.attached.clear();
    this.root.remove();
  }
}
