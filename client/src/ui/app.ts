import { Device } from 'mediasoup-client';
import type { RoomId } from '../../../signaling/protocol/index.js';
import { Call } from '../call.js';
import { watchDeviceLoss } from '../device-loss.js';
import { errorForEarlyEnd, type CallEnd, type JoinParams, type ResumeToken } from '../call-types.js';
import { GuichetError, errorCodeOf, errorMessageKey } from '../errors.js';
import type { MessageKey } from '../i18n/i18n.js';
import { acquireLocalMedia, stopLocalMedia, type DeviceChoice, type LocalMedia } from '../local-media.js';
import { ProtocolClient } from '../protocol-client.js';
import { NO_RECV_STATS, type RecvStats } from '../recv-stats.js';
import { canResume, retryWithin } from '../resume.js';
import { retryDelayMs } from '../retry.js';
import { roomPath, type Route } from '../route.js';
import type { LocalSource } from '../sender.js';
import { CallExtras } from './call-extras.js';
import { fetchDialInByPassword, fetchRoomInfo } from '../room/room-info.js';
import { CallView } from './call-view.js';
import { showContext } from './context-view.js';
import { showDialIn } from './dial-in-view.js';
import { setupControlsMenu } from './controls-menu.js';
import { DeviceCheckView } from './device-check-view.js';
import { byId, clearText, readSetting, setText, writeSetting } from './dom.js';
import { closedTitle, setRejoinOffered, showCancelledScreen, showKickedScreen } from './end-screens.js';
import { HomeForm, JoinForm, type JoinFields } from './forms.js';
import { RoomSession } from './room-session.js';
import { takeConsoleHandoff } from './console-handoff.js';

type ViewName = 'home' | 'join' | 'lobby' | 'call' | 'ended';
const NAME_SETTING = 'guichet.displayName';

/**
 * The page's state machine: home → join → call → ended (→ join again).
 * It owns the local media and at most one Call at a time.
 */
export class App {
  private readonly alert = byId('alert', HTMLElement);
  private readonly home: HomeForm;
  private readonly join: JoinForm;
  private readonly callView: CallView;
  private readonly deviceCheck: DeviceCheckView;
  private readonly session = new RoomSession();
  /** From a one-click link: joins with it instead of a password. */
  private token: string | undefined;
  private relayOnly = false;
  private call: Call | undefined;
  private resumeToken: ResumeToken | undefined;
  private deviceChoice: DeviceChoice = {};
  private readonly extras = new CallExtras({
    onAudioOnly: (on) => void this.call?.setAudioOnly(on),
    onVideoLimit: (limit, receiveVideo) => {
      const call = this.call;
      if (!call) return;
      call.limitCamera(limit).catch((error: unknown) => console.warn('guichet: camera limit failed', error));
      void call.setAudioOnly(!receiveVideo);
    },
  });
  private media: Promise<LocalMedia> | undefined;
  private roomId: RoomId | undefined;
  private lastFields: JoinFields | undefined;
  private wanted: Record<LocalSource, boolean> = { mic: true, camera: true };
  private joining = false;
  /** From the last join answer: the end screens word things for the agent or the citizen. */
  private isHost = false;
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  private unwatchDevices: (() => void) | undefined;
  /** The socket of the join in progress: « Quitter » in the lobby closes it. */
  private pending: ProtocolClient | undefined;
  private leftLobby = false;
  private readonly lobbyMic = byId('lobby-mic', HTMLButtonElement);
  private dialInShown = false;
  /** The password of the join in progress, to ask for the dial-in PIN with it. */
  private typedPassword: string | undefined;

  constructor() {
    const problem = (key: MessageKey, field?: HTMLInputElement): void => {
      this.showAlert(key);
      field?.setAttribute('aria-invalid', 'true');
      field?.focus();
    };
    this.home = new HomeForm((room) => window.location.assign(roomPath(room.roomId) + room.hash), problem);
    this.join = new JoinForm((fields) => void this.startCall(fields), problem);
    this.callView = new CallView({
      onToggle: (source, on) => this.toggle(source, on),
      onPreferredLayer: (consumerId, layer) => {
        this.call?.setPreferredLayers(consumerId, layer).catch((error: unknown) => {
          console.warn('guichet: setPreferredLayers failed', error);
        });
      },
      onLeave: () => void this.call?.leave(),
      onLobby: () => {
        this.session.waitInLobby(this.ensureMedia());
        this.show('lobby');
        this.loadDialInByPassword();
      },
      onPeerShown: (peer, tile) => this.session.peerShown(peer, tile),
      onPeerGone: (peerId) => this.session.peerGone(peerId),
      onSelfMuted: () => {
        this.wanted.mic = false;
      },
      onEnded: (end) => this.ended(end),
    });
    byId('rejoin', HTMLButtonElement).addEventListener('click', () => this.rejoin(false));
    this.deviceCheck = new DeviceCheckView({
      onChoose: (choice) => {
        this.deviceChoice = choice;
        this.releaseMedia();
        void this.ensureMedia();
      },
      onAudioOnly: (on) => (this.wanted.camera = !on),
    });
    this.lobbyMic.addEventListener('click', () => {
      this.wanted.mic = this.lobbyMic.getAttribute('aria-pressed') !== 'true';
      this.lobbyMic.setAttribute('aria-pressed', String(this.wanted.mic));
    });
    byId('lobby-leave', HTMLButtonElement).addEventListener('click', () => this.leaveLobby());
    setupControlsMenu();
    for (const input of document.querySelectorAll('input')) {
      input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
    }
  }

  start(route: Route): void {
    if (route.kind !== 'room') {
      this.show('home');
      if (route.kind === 'badRoom') this.showAlert('home.invalidRoom');
      return;
    }
    this.roomId = route.roomId;
    this.token = route.token;
    this.relayOnly = route.relayOnly === true;
    this.join.setTokenMode(route.token !== undefined);
    this.join.fill({ displayName: readSetting(NAME_SETTING) ?? '', password: route.password ?? '' });
    this.show('join');
    this.firstEmptyFieldFocus();
    const media = this.ensureMedia();
    if (route.token) void this.loadRoomInfo(route.roomId, route.token);
    const name = readSetting(NAME_SETTING);
    if (route.token && name && takeConsoleHandoff(route.roomId)) {
      // Sent by the console's « Rejoindre »: the agent already chose; join once the devices answered.
      void media.then(
        () => this.startCall({ displayName: name, password: '' }),
        () => this.startCall({ displayName: name, password: '' }),
      );
    }
  }

  /** Service, agent and time on every screen, and the booking's name in the form. */
  private async loadRoomInfo(roomId: RoomId, token: string): Promise<void> {
    const info = await fetchRoomInfo(roomId, token);
    if (!info) return;
    showContext(info);
    if (info.dialIn) {
      this.dialInShown = true;
      showDialIn(info.dialIn);
    }
    // The booking knows who holds this link; a name typed meanwhile wins.
    if (this.join.nameUntouched) this.join.fill({ displayName: info.displayName });
  }

  /** Came in with the password (no link, no context): the lobby still says how to call. */
  private loadDialInByPassword(): void {
    const [roomId, password] = [this.roomId, this.typedPassword];
    if (this.dialInShown || this.token || !roomId || !password) return;
    void fetchDialInByPassword(roomId, password).then((info) => {
      if (!info || this.dialInShown) return;
      this.dialInShown = true;
      showDialIn(info);
    });
  }

  /** « Quitter » while waiting: the knock is withdrawn and the camera goes off. */
  private leaveLobby(): void {
    const client = this.pending;
    if (!client) return;
    this.leftLobby = true;
    void client
      .request('leave', {}, 2_000)
      .catch(() => undefined)
      // Dropped like a lost connection, so the join still waiting for admission ends
      // (close() would silence it); the catch in startCall sees leftLobby.
      .finally(() => client.dropTransport());
  }

  /** For the e2e hook in main.ts. */
  getRecvStats(): Promise<RecvStats> {
    return this.call?.getRecvStats() ?? Promise.resolve({ ...NO_RECV_STATS });
  }

  private ensureMedia(): Promise<LocalMedia> {
    if (!this.media) {
      this.join.showPreviewStarting();
      const media = acquireLocalMedia(this.deviceChoice);
      media.then(
        (m) => {
          this.join.showPreview(m);
          this.deviceCheck.show(m);
        },
        () => undefined,
      );
      this.media = media;
    }
    return this.media;
  }

  private releaseMedia(): void {
    const media = this.media;
    this.media = undefined;
    this.join.clearPreview();
    this.deviceCheck.clear();
    void media?.then(stopLocalMedia);
  }

  /** Joins, retrying while the server says its media side is restarting. */
  private async startCall(fields: JoinFields, automatic = false): Promise<void> {
    const roomId = this.roomId;
    if (this.joining || !roomId) return;
    this.joining = true;
    this.join.setBusy(true);
    this.clearAlert();
    writeSetting(NAME_SETTING, fields.displayName);
    this.typedPassword = fields.password || undefined;
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await this.joinOnce({ roomId, ...fields, token: this.token });
          this.lastFields = fields;
          return;
        } catch (error) {
          this.callView.reset();
          this.session.reset();
          if (this.leftLobby) {
            this.leftLobby = false;
            this.ended({ kind: 'left' });
            return;
          }
          console.warn('guichet: join failed', error);
          const reason = error instanceof GuichetError ? error.reason : undefined;
          const closed = error instanceof GuichetError ? error.closedReason : undefined;
          if (showKickedScreen(errorCodeOf(error), reason) || showCancelledScreen(closed)) {
            // Refused at the door: the citizen reads why, and the camera goes off.
            // « Frapper à nouveau », once it is offered, knocks with the same name.
            this.lastFields = fields;
            this.releaseMedia();
            this.show('ended');
            return;
          }
          const delay = retryDelayMs(errorCodeOf(error), attempt, automatic);
          if (delay === undefined) {
            this.show('join');
            this.showAlert(errorMessageKey(error));
            return;
          }
          this.join.showRetrying();
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    } finally {
      this.joining = false;
      this.join.setBusy(false);
      this.join.clearRetrying();
    }
  }

  private async joinOnce(params: JoinParams): Promise<void> {
    const media = this.ensureMedia();
    this.callView.reset();
    this.lobbyMic.setAttribute('aria-pressed', String(this.wanted.mic));
    const atJoin: Record<LocalSource, boolean> = { ...this.wanted };
    const call = await Call.join(params, {
      connect: async () => {
        const client = await ProtocolClient.connect({ room: params.roomId });
        this.pending = client;
        this.session.connected(client);
        return client;
      },
      onJoined: (joined) => {
        this.isHost = joined.role === 'host';
        this.session.joined(joined);
      },
      createDevice: () => new Device(),
      listener: this.callView,
      tracks: media.then(({ audio, video }) => ({ audio, video })),
      micOn: this.wanted.mic,
      cameraOn: this.wanted.camera,
      relayOnly: this.relayOnly,
      // The server's media moved (a worker died): a short notice while the call rebuilds itself.
      onMediaRestart: (restarting) => {
        this.extras.setReconnecting(restarting, 'call.mediaRestarting');
        const current = this.call;
        if (!restarting && current) this.extras.started(() => current.quality());
      },
    });
    this.pending = undefined;
    this.call = call;
    this.resumeToken = call.resumeToken;
    // What was asked at the join; the lobby's mic toggle may have changed it since.
    const asked: Record<LocalSource, boolean> = { ...atJoin };
    this.extras.started(() => call.quality());
    if (this.extras.audioOnly) void call.setAudioOnly(true);
    // Controls stay disabled until the camera and mic are actually sent.
    const state = (source: LocalSource): { available: boolean; on: boolean } => ({
      available: call.canSend(source),
      on: this.wanted[source],
    });
    this.callView.setLocal(undefined, { mic: state('mic'), camera: state('camera') });
    this.show('call');
    this.session.inCall();
    void Promise.all([media, call.sendingReady]).then(([local]) => {
      if (this.call !== call || call.isClosed) return;
      for (const source of ['mic', 'camera'] as const) {
        if (this.wanted[source] !== asked[source]) this.toggle(source, this.wanted[source]);
      }
      this.callView.setLocal(local.stream, { mic: state('mic'), camera: state('camera') });
      this.session.sending(call, local);
      this.unwatchDevices?.();
      this.unwatchDevices = watchDeviceLoss(local, (source) => {
        if (this.call !== call) return;
        this.callView.onDeviceLost(source);
        this.toggle(source, false);
      });
    });
  }

  private toggle(source: LocalSource, on: boolean): void {
    this.wanted[source] = on;
    this.call?.setSourceEnabled(source, on).catch((error: unknown) => {
      console.warn('guichet: toggle failed', error);
    });
  }

  private ended(end: CallEnd): void {
    if (end.kind === 'disconnected' && this.tryResume()) return;
    this.extras.stopped();
    this.unwatchDevices?.();
    this.unwatchDevices = undefined;
    this.call = undefined;
    this.callView.reset();
    this.session.reset();
    const title = byId('ended-title', HTMLElement);
    const message = byId('ended-message', HTMLElement);
    clearText(message);
    switch (end.kind) {
      case 'left':
        setText(title, 'ended.leftTitle');
        setText(message, 'ended.left');
        break;
      case 'roomClosed':
        setText(title, closedTitle(end.reason));
        // The agent is not told « L’agent a mis fin au rendez-vous ».
        setText(
          message,
          end.reason === 'ended' && this.isHost ? 'ended.closed.endedHost' : `ended.closed.${end.reason}`,
        );
        break;
      case 'reconnect':
        // The server asked for it: come back on our own once it is ready.
        setText(title, 'ended.closedTitle');
        setText(message, 'call.reconnecting');
        this.rejoinTimer = setTimeout(() => this.rejoin(true), end.afterMs + Math.random() * 1000);
        break;
      case 'kicked':
        if (showKickedScreen(end.code, end.message)) break;
        this.releaseMedia();
        this.show('join');
        this.showAlert(errorMessageKey(errorForEarlyEnd(end)));
        return;
      case 'disconnected':
        setText(title, 'ended.closedTitle');
        setText(message, 'ended.disconnected');
        break;
    }
    // The camera light goes off while nobody is watching (kept for a quick auto-rejoin).
    if (end.kind !== 'reconnect') this.releaseMedia();
    setRejoinOffered(end);
    this.show('ended');
  }

  /** A dropped connection: get our place back (same peer, no lobby) while the server keeps it. */
  private tryResume(): boolean {
    const [resume, fields, roomId] = [this.resumeToken, this.lastFields, this.roomId];
    this.resumeToken = undefined;
    if (!resume || !fields || !roomId) return false;
    this.call = undefined;
    this.extras.setReconnecting(true);
    void retryWithin(() => this.joinOnce({ roomId, ...fields, token: this.token, resume }), canResume).then(
      (ok) => (ok ? this.extras.setReconnecting(false) : this.ended({ kind: 'disconnected' })),
    );
    return true;
  }

  /** For the e2e hooks in main.ts. */
  get currentCall(): Call | undefined {
    return this.call;
  }

  private rejoin(automatic: boolean): void {
    clearTimeout(this.rejoinTimer);
    const fields = this.lastFields;
    this.show('join');
    if (fields) void this.startCall(fields, automatic);
  }

  private show(view: ViewName): void {
    for (const name of ['home', 'join', 'lobby', 'call', 'ended'] as const) {
      byId(`view-${name}`, HTMLElement).hidden = name !== view;
    }
    if (view !== 'join' || !this.joining) {
      // Screen readers start reading at the new screen's title.
      byId(`${view}-title`, HTMLElement).focus({ preventScroll: true });
    }
  }

  private firstEmptyFieldFocus(): void {
    this.join.firstEmptyField()?.focus();
  }

  private showAlert(key: MessageKey): void {
    setText(this.alert, key);
  }

  private clearAlert(): void {
    clearText(this.alert);
  }
}
