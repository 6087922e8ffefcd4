import { browserAbilities, browserFamily, diagnose, type BrowserFamily } from '../device-check.js';
import { t } from '../i18n/i18n.js';
import { LevelMeter } from '../level-meter.js';
import type { DeviceChoice, LocalMedia } from '../local-media.js';
import { byId, clearText, setText } from './dom.js';

export interface DeviceCheckActions {
  /** A picker changed, or « Réessayer »: capture again with these devices. */
  onChoose(choice: DeviceChoice): void;
  /** The citizen chose to join without their camera. */
  onAudioOnly(on: boolean): void;
}

/**
 * The device check on the join page: pickers, the mic level, and a plain
 * diagnosis with what to do. The preview itself stays in JoinForm.
 */
export class DeviceCheckView {
  private readonly camera = byId('camera-select', HTMLSelectElement);
  private readonly mic = byId('mic-select', HTMLSelectElement);
  private readonly meter = byId('mic-level', HTMLMeterElement);
  private readonly box = byId('device-diagnosis', HTMLElement);
  private readonly title = byId('diagnosis-title', HTMLElement);
  private readonly text = byId('diagnosis-text', HTMLElement);
  private readonly steps = byId('diagnosis-steps', HTMLElement);
  private readonly retry = byId('device-retry', HTMLButtonElement);
  private readonly audioOnly = byId('audio-only', HTMLInputElement);
  private readonly family: BrowserFamily = browserFamily(navigator.userAgent);
  private level: LevelMeter | undefined;

  constructor(private readonly actions: DeviceCheckActions) {
    const choose = (): void => actions.onChoose(this.choice());
    this.camera.addEventListener('change', choose);
    this.mic.addEventListener('change', choose);
    this.retry.addEventListener('click', choose);
    this.audioOnly.addEventListener('change', () => {
      actions.onAudioOnly(this.audioOnly.checked);
      byId('preview-video', HTMLVideoElement)
        .closest('.tile')
        ?.classList.toggle('audio-only', this.audioOnly.checked);
    });
    // A headset plugged in while on this page shows up in the lists at once.
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.listDevices(undefined));
    this.showDiagnosis(undefined);
  }

  /** The capture result: meter, pickers and diagnosis follow it. */
  show(media: LocalMedia): void {
    this.level?.close();
    this.meter.value = 0;
    this.level = media.audio
      ? new LevelMeter(media.audio, (level) => {
          this.meter.value = level;
        })
      : undefined;
    void this.listDevices(media);
    // No mic, no « Parlez : la barre doit bouger ».
    byId('mic-check', HTMLElement).hidden = !media.audio;
    this.showDiagnosis(media);
  }

  /** Capture is stopping (join page left, or devices switched). */
  clear(): void {
    this.level?.close();
    this.level = undefined;
    this.meter.value = 0;
  }

  private choice(): DeviceChoice {
    return { cameraId: this.camera.value || undefined, micId: this.mic.value || undefined };
  }

  private showDiagnosis(media: LocalMedia | undefined): void {
    const diagnosis = diagnose(browserAbilities(window), media, this.family);
    this.box.hidden = diagnosis.kind === 'ok';
    this.retry.hidden = diagnosis.kind !== 'problem' || !diagnosis.canRetry;
    clearText(this.steps);
    if (diagnosis.kind === 'problem') {
      setText(this.title, diagnosis.title);
      setText(this.text, diagnosis.text);
      if (diagnosis.steps) setText(this.steps, diagnosis.steps);
    } else if (diagnosis.kind === 'audioOnly') {
      clearText(this.title);
      setText(this.text, 'check.audioOnlyReady');
    }
    this.box.dataset['kind'] = diagnosis.kind;
  }

  private async listDevices(media: LocalMedia | undefined): Promise<void> {
    const devices = navigator.mediaDevices;
    if (typeof devices?.enumerateDevices !== 'function') return;
    const all = await devices.enumerateDevices().catch(() => []);
    const inUse = (track: MediaStreamTrack | undefined, select: HTMLSelectElement): string =>
      track?.getSettings().deviceId ?? select.value;
    fill(
      this.camera,
      all.filter((d) => d.kind === 'videoinput'),
      media ? inUse(media.video, this.camera) : this.camera.value,
    );
    fill(
      this.mic,
      all.filter((d) => d.kind === 'audioinput'),
      media ? inUse(media.audio, this.mic) : this.mic.value,
    );
  }
}

/** Options named by the device label (empty before permission: then numbered). */
function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], selected: string): void {
  const options = devices
    .filter((d) => d.deviceId !== '')
    .map((device, i) => new Option(device.label || t('check.deviceN', { n: i + 1 }), device.deviceId));
  select.replaceChildren(...options);
  if (options.some((o) => o.value === selected)) select.value = selected;
  // Nothing to choose from is said by the diagnosis; the picker just rests.
  select.disabled = options.length < 2;
  select.closest('.picker')?.toggleAttribute('hidden', options.length === 0);
}
