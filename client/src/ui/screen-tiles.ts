import type { RemoteMedia } from '../call-types.js';
import { t } from '../i18n/i18n.js';
import { addEnlargeButton } from './enlarge.js';
import type { RemoteTile } from './remote-tile.js';

/**
 * Shared screens, each a tile of its own next to its owner's camera (one
 * per consumer). They carry `data-screen-of` rather than `data-peer-id`, so
 * "one tile per participant" stays true for the rest of the page.
 */
export class ScreenTiles {
  private readonly tiles = new Map<string, { peerId: string; tile: RemoteTile }>();

  constructor(
    private readonly grid: HTMLElement,
    private readonly createTile: (peerId: string) => RemoteTile,
  ) {}

  get size(): number {
    return this.tiles.size;
  }

  add(media: RemoteMedia, ownerName: string): void {
    const tile = this.createTile(media.peerId);
    tile.root.removeAttribute('data-peer-id');
    tile.root.dataset['screenOf'] = media.peerId;
    tile.root.classList.add('screen');
    const label = t('share.screenOf', { name: ownerName });
    tile.setName(label);
    tile.attach(media);
    addEnlargeButton(tile.root, label);
    this.tiles.set(media.consumerId, { peerId: media.peerId, tile });
    this.grid.append(tile.root);
  }

  /** False when the consumer is not a screen's. */
  remove(consumerId: string): boolean {
    const entry = this.tiles.get(consumerId);
    if (!entry) return false;
    entry.tile.remove();
    this.tiles.delete(consumerId);
    return true;
  }

  setPaused(consumerId: string, paused: boolean): boolean {
    const entry = this.tiles.get(consumerId);
    entry?.tile.setPaused(consumerId, paused);
    return entry !== undefined;
  }

  removePeer(peerId: string): void {
    for (const [consumerId, entry] of this.tiles) if (entry.peerId === peerId) this.remove(consumerId);
  }

  clear(): void {
    for (const consumerId of [...this.tiles.keys()]) this.remove(consumerId);
  }
}
