import type { CallEnd, CallListener, RemoteMedia, RemotePeer } from '../call-types.js';
import type { LocalSource } from '../sender.js';
import { byId, play } from './dom.js';
import { RemoteTile } from './remote-tile.js';
import { ScreenTiles } from './screen-tiles.js';
import { clearToast, showToast } from './toast.js';

export interface CallViewActions {
  onToggle(source: LocalSource, on: boolean): void;
  onLobby(): void;
  onSelfMuted(): void;
  onPreferredLayer(consumerId: string, spatialLayer: number): void;
  onLeave(): void;
  onEnded(end: CallEnd): void;
  /** Host controls and the enlarge button follow who is shown (ui/room-session.ts). */
  onPeerShown?(peer: RemotePeer, tile: HTMLElement): void;
  onPeerGone?(peerId: string): void;
}

/**
 * The in-call screen: the local preview, one tile per remote participant and
 * the control bar. It is the Call's listener, so it only ever mirrors what
 * the call reports.
 */
export class CallView implements CallListener {
  private readonly tiles = new Map<string, RemoteTile>();
  private readonly grid = byId('tiles', HTMLElement);
  private readonly screens = new ScreenTiles(this.grid, (peerId) => this.newTile(peerId));
  private readonly localVideo = byId('local-video', HTMLVideoElement);
  private readonly waiting = byId('waiting', HTMLElement);
  private readonly micButton = byId('mic-toggle', HTMLButtonElement);
  private readonly cameraButton = byId('camera-toggle', HTMLButtonElement);
  private readonly enableSound = byId('enable-sound', HTMLButtonElement);
  private readonly status = byId('call-status', HTMLElement);

  constructor(private readonly actions: CallViewActions) {
    this.localVideo.muted = true;
    this.micButton.addEventListener('click', () => this.toggle('mic', this.micButton));
    this.cameraButton.addEventListener('click', () => this.toggle('camera', this.cameraButton));
    byId('leave', HTMLButtonElement).addEventListener('click', () => actions.onLeave());
    this.enableSound.addEventListener('click', () => {
      this.enableSound.hidden = true;
      for (const tile of this.tiles.values()) tile.replay();
    });
  }

  /** Shows the local camera; buttons for sources we can't send are disabled. */
  setLocal(
    stream: MediaStream | undefined,
    state: Record<LocalSource, { available: boolean; on: boolean }>,
  ): void {
    this.localVideo.srcObject = stream && stream.getVideoTracks().length > 0 ? stream : null;
    if (this.localVideo.srcObject) play(this.localVideo, () => undefined);
    this.setButton(this.micButton, state.mic.available, state.mic.on);
    this.setButton(this.cameraButton, state.camera.available, state.camera.on);
  }

  /** Forgets every remote participant (before a join, after an end). */
  reset(): void {
    for (const tile of this.tiles.values()) tile.remove();
    this.tiles.clear();
    this.screens.clear();
    this.localVideo.srcObject = null;
    this.enableSound.hidden = true;
    clearToast(this.status);
    this.updateLayout();
  }

  onPeerJoined(peer: RemotePeer): void {
    const tile = this.tileFor(peer.peerId);
    tile.setName(peer.displayName);
    if (peer.kind === 'phone') tile.markPhone();
    this.announce('call.peerJoined', peer.peerId);
    this.actions.onPeerShown?.(peer, tile.root);
  }

  onPeerLeft(peerId: string): void {
    this.screens.removePeer(peerId);
    this.actions.onPeerGone?.(peerId);
    const tile = this.tiles.get(peerId);
    if (!tile) return;
    this.announce('call.peerLeft', peerId);
    tile.remove();
    this.tiles.delete(peerId);
    this.updateLayout();
  }

  onMediaAdded(media: RemoteMedia): void {
    if (media.source === 'screen') {
      this.screens.add(media, this.tiles.get(media.peerId)?.label ?? '');
      this.updateLayout();
      return;
    }
    this.tileFor(media.peerId).attach(media);
  }

  onMediaRemoved(peerId: string, consumerId: string): void {
    if (this.screens.remove(consumerId)) return this.updateLayout();
    this.tiles.get(peerId)?.detach(consumerId);
  }

  onMediaPaused(peerId: string, consumerId: string, paused: boolean): void {
    if (this.screens.setPaused(consumerId, paused)) return;
    const tile = this.tiles.get(peerId);
    const changed = tile?.setPaused(consumerId, paused);
    // Said out loud and on screen: the agent must know the citizen's side went dark or silent.
    if (tile && changed) {
      const key =
        changed === 'audio'
          ? paused
            ? 'call.peerMicOff'
            : 'call.peerMicOn'
          : paused
            ? 'call.peerCameraOff'
            : 'call.peerCameraOn';
      showToast(this.status, key, { name: tile.label });
    }
  }

  /** A local device stopped by itself (unplugged, taken by another app): say so, and show it off. */
  onDeviceLost(source: LocalSource): void {
    const button = source === 'mic' ? this.micButton : this.cameraButton;
    this.setButton(button, false, false);
    showToast(this.status, source === 'mic' ? 'call.micLost' : 'call.cameraLost');
  }

  onActiveSpeaker(peerId: string | null): void {
    for (const [id, tile] of this.tiles) tile.setSpeaking(id === peerId);
  }

  onEnded(end: CallEnd): void {
    this.actions.onEnded(end);
  }

  onLobby(): void {
    this.actions.onLobby();
  }

  onSelfMuted(): void {
    this.micButton.setAttribute('aria-pressed', 'false');
    showToast(this.status, 'call.mutedByHost');
    this.actions.onSelfMuted();
  }

  onWarning(error: unknown): void {
    // Partial failures (one consumer, one producer) are for the console: the
    // call goes on, and the missing tile or badge already shows it.
    console.warn('guichet:', error);
  }

  private tileFor(peerId: string): RemoteTile {
    let tile = this.tiles.get(peerId);
    if (!tile) {
      tile = this.newTile(peerId);
      this.tiles.set(peerId, tile);
      this.grid.append(tile.root);
      this.updateLayout();
    }
    return tile;
  }

  private newTile(peerId: string): RemoteTile {
    return new RemoteTile(
      peerId,
      () => {
        // Sound must never stay silently off: show the button and say why.
        if (this.enableSound.hidden) showToast(this.status, 'call.soundBlocked');
        this.enableSound.hidden = false;
      },
      (consumerId, layer) => this.actions.onPreferredLayer(consumerId, layer),
    );
  }

  private toggle(source: LocalSource, button: HTMLButtonElement): void {
    const on = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(on));
    if (source === 'camera') this.localVideo.closest('.tile')?.setAttribute('data-video', on ? 'on' : 'off');
    this.actions.onToggle(source, on);
  }

  private setButton(button: HTMLButtonElement, available: boolean, on: boolean): void {
    button.disabled = !available;
    button.setAttribute('aria-pressed', String(available && on));
    if (button === this.cameraButton) {
      this.localVideo.closest('.tile')?.setAttribute('data-video', available && on ? 'on' : 'off');
    }
  }

  private announce(key: 'call.peerJoined' | 'call.peerLeft', peerId: string): void {
    const tile = this.tiles.get(peerId);
    if (tile) showToast(this.status, key, { name: tile.label });
  }

  private updateLayout(): void {
    const count = this.tiles.size + this.screens.size;
    this.waiting.hidden = count > 0;
    // CSS sizes the grid from the count (one large tile, two side by side, ...).
    this.grid.dataset['count'] = String(count);
  }
}
