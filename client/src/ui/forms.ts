import { DisplayNameSchema, type RoomId } from '../../../signaling/protocol/index.js';
import type { LocalMedia } from '../local-media.js';
import { parseRoomInput } from '../route.js';
import type { MessageKey } from '../i18n/i18n.js';
import { byId, clearText, play, setText } from './dom.js';

/** Sends a form's problem to the page's alert and marks the field. */
export type ShowProblem = (key: MessageKey, field?: HTMLInputElement) => void;

/** `/`: asks for a room code or an invitation link. */
export class HomeForm {
  private readonly input = byId('room-input', HTMLInputElement);

  constructor(onRoom: (room: { roomId: RoomId; hash: string }) => void, problem: ShowProblem) {
    byId('home-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      const room = parseRoomInput(this.input.value);
      if (room) onRoom(room);
      else problem('home.invalidRoom', this.input);
    });
  }
}

export interface JoinFields {
  displayName: string;
  password: string;
}

/** The pre-join page: camera preview, name and password. */
export class JoinForm {
  private readonly name = byId('display-name', HTMLInputElement);
  private readonly password = byId('password', HTMLInputElement);
  private readonly submit = byId('join-submit', HTMLButtonElement);
  private readonly preview = byId('preview-video', HTMLVideoElement);
  private readonly previewStatus = byId('preview-status', HTMLElement);
  private readonly status = byId('join-status', HTMLElement);
  /** A one-click link carries a token: no password to ask for. */
  private tokenMode = false;
  private nameTyped = false;

  constructor(onJoin: (fields: JoinFields) => void, problem: ShowProblem) {
    this.preview.muted = true;
    this.name.addEventListener('input', () => (this.nameTyped = true));
    byId('join-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.submit.getAttribute('aria-busy') === 'true') return;
      // Same rules as the server (DisplayNameSchema), so the usual mistakes
      // are explained here instead of coming back as INVALID_PAYLOAD.
      const name = DisplayNameSchema.safeParse(this.name.value);
      if (this.name.value.trim() === '') return problem('join.nameRequired', this.name);
      if (!name.success) return problem('join.nameInvalid', this.name);
      if (!this.tokenMode && this.password.value === '') {
        return problem('join.passwordRequired', this.password);
      }
      onJoin({ displayName: name.data, password: this.password.value });
    });
  }

  /** Whether the name is still what the page put there (nothing typed by hand). */
  get nameUntouched(): boolean {
    return !this.nameTyped;
  }

  fill(fields: Partial<JoinFields>): void {
    if (fields.displayName !== undefined) this.name.value = fields.displayName;
    if (fields.password !== undefined) this.password.value = fields.password;
  }

  /** With a one-click link, the form asks for the name only. */
  setTokenMode(on: boolean): void {
    this.tokenMode = on;
    this.password.hidden = on;
    const label = document.querySelector<HTMLElement>('label[for="password"]');
    if (label) label.hidden = on;
  }

  /** The first empty field, where the keyboard should start. */
  firstEmptyField(): HTMLInputElement | undefined {
    return [this.name, this.password].find((input) => input.value === '' && !input.hidden);
  }

  setBusy(busy: boolean): void {
    this.submit.setAttribute('aria-busy', String(busy));
    setText(this.submit, busy ? 'join.busy' : 'join.submit');
  }

  /** Says that a join failed for a passing reason and is being tried again. */
  showRetrying(): void {
    setText(this.status, 'join.retrying');
  }

  /** Waiting for the host to let us in (appointment guests). */
  showLobby(): void {
    setText(this.status, 'join.lobby');
  }

  clearRetrying(): void {
    clearText(this.status);
  }

  showPreviewStarting(): void {
    setText(this.previewStatus, 'join.previewStarting');
  }

  showPreview(media: LocalMedia): void {
    const tile = this.preview.closest('.tile');
    const hasVideo = media.video !== undefined;
    tile?.setAttribute('data-video', hasVideo ? 'on' : 'off');
    this.preview.srcObject = hasVideo ? media.stream : null;
    if (hasVideo) play(this.preview, () => undefined);
    // What to do is said once, in the diagnosis beside it (ui/device-check-view.ts); here only the state.
    if (hasVideo) setText(this.previewStatus, media.problem ? 'join.previewNone' : 'join.previewReady');
    else setText(this.previewStatus, media.audio ? 'join.previewAudioOnly' : 'join.previewNone');
  }

  clearPreview(): void {
    this.preview.srcObject = null;
    this.preview.closest('.tile')?.setAttribute('data-video', 'off');
  }
}
