import type { DocumentState, DocumentStateReport } from '../../../signaling/protocol/index.js';
import { t, type MessageKey, type MessageVars } from '../i18n/i18n.js';
import type { RoomLink } from '../room/room-link.js';
import { create, setText } from './dom.js';

type Say = (key: MessageKey, vars?: MessageVars) => void;

const LABELS: Record<DocumentState, MessageKey> = {
  rear: 'documentState.rear',
  front: 'documentState.front',
  'unknown-side': 'documentState.unknownSide',
  denied: 'documentState.denied',
  'not-found': 'documentState.notFound',
  busy: 'documentState.busy',
  failed: 'documentState.failed',
  lost: 'documentState.lost',
  off: 'documentState.off',
};
const SENDING: readonly DocumentState[] = ['rear', 'front', 'unknown-side'];

interface Shown {
  tile: HTMLElement;
  name: string;
}

/**
 * The agent's side of document mode (issue 16): what the citizen's phone
 * does, as a line on her tile that stays while it holds (« Caméra arrière
 * active · 3840 × 2160 », or why not), and a notice in the call's live
 * region when it changes. A state that arrives before her tile waits for it.
 */
export class DocumentStateView {
  private readonly shown = new Map<string, Shown>();
  private readonly last = new Map<string, DocumentStateReport>();

  constructor(private readonly say: Say) {}

  attach(link: RoomLink): (() => void)[] {
    return [link.on('documentState', ({ peerId, report }) => this.update(peerId, report))];
  }

  peerShown(peerId: string, name: string, tile: HTMLElement): void {
    this.shown.set(peerId, { tile, name });
    const report = this.last.get(peerId);
    if (report) this.render(tile, report);
  }

  peerGone(peerId: string): void {
    this.shown.delete(peerId);
    this.last.delete(peerId);
  }

  clear(): void {
    for (const { tile } of this.shown.values()) tile.querySelector('.document-state')?.remove();
    this.shown.clear();
    this.last.clear();
  }

  private update(peerId: string, report: DocumentStateReport): void {
    this.last.set(peerId, report);
    const shown = this.shown.get(peerId);
    if (!shown) return;
    this.render(shown.tile, report);
    // « Marie Dupont : caméra arrière active · 3840 × 2160. »: after a colon, lower case.
    const state = describe(report);
    this.say('documentState.toast', {
      name: shown.name,
      state: state.charAt(0).toLocaleLowerCase() + state.slice(1),
    });
  }

  private render(tile: HTMLElement, report: DocumentStateReport): void {
    let line = tile.querySelector<HTMLElement>('.document-state');
    // « Mode document terminé » is said once, in the notice; the tile goes back to normal.
    if (report.state === 'off') {
      line?.remove();
      return;
    }
    if (!line) {
      line = create('span', { className: 'document-state' });
      // First in the caption, where the agent looks while reading her card.
      const caption = tile.querySelector('figcaption');
      if (caption) caption.prepend(line);
      else tile.append(line);
    }
    line.dataset['state'] = report.state;
    line.classList.toggle('is-ok', SENDING.includes(report.state));
    const label = create('span');
    setText(label, LABELS[report.state]);
    line.replaceChildren(label, sizeText(report));
  }
}

/** The size the camera really captures, with no-break spaces: « · 3840 × 2160 ». */
function sizeText(report: DocumentStateReport): string {
  return report.width && report.height ? ` · ${report.width}\u00a0×\u00a0${report.height}` : '';
}

function describe(report: DocumentStateReport): string {
  return `${t(LABELS[report.state])}${sizeText(report)}`;
}
