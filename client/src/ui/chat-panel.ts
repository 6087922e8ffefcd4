import { MAX_CHAT_CHARS } from '../../../signaling/protocol/index.js';
import { t, type MessageKey, type MessageVars } from '../i18n/i18n.js';
import type { RoomLink } from '../room/room-link.js';
import { byId, create } from './dom.js';

type Say = (key: MessageKey, vars?: MessageVars) => void;

/**
 * The chat: plain text in both directions. Every message is put on the page
 * with textContent, never as HTML, so a message can't inject markup. Our own
 * message appears once the server acknowledged it (with the server's time).
 */
export class ChatPanel {
  private readonly panel = byId('chat-panel', HTMLElement);
  private readonly log = byId('chat-log', HTMLOListElement);
  private readonly form = byId('chat-form', HTMLFormElement);
  private readonly input = byId('chat-input', HTMLTextAreaElement);
  private readonly toggle = byId('chat-toggle', HTMLButtonElement);
  private readonly unread = byId('chat-unread', HTMLElement);
  private link: RoomLink | undefined;
  private unreadCount = 0;

  constructor(
    private readonly say: Say,
    private readonly onChange: () => void,
  ) {
    this.input.maxLength = MAX_CHAT_CHARS;
    this.toggle.addEventListener('click', () => this.setOpen(this.panel.hidden !== false));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    // Enter sends, Shift+Enter starts a new line (as in most messaging apps).
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
  }

  get visible(): boolean {
    return !this.panel.hidden;
  }

  attach(link: RoomLink): (() => void)[] {
    this.link = link;
    return [
      link.on('chatMessage', ({ displayName, text, at }) => {
        this.append(displayName, text, at);
        if (this.panel.hidden) {
          this.unreadCount += 1;
          this.unread.textContent = String(this.unreadCount);
          this.unread.hidden = false;
          this.say('chat.received', { name: displayName, text });
        }
      }),
    ];
  }

  clear(): void {
    this.log.replaceChildren();
    this.input.value = '';
    this.link = undefined;
    this.setOpen(false);
  }

  setOpen(open: boolean): void {
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-pressed', String(open));
    if (open) {
      this.unreadCount = 0;
      this.unread.hidden = true;
      this.input.focus();
    }
    this.onChange();
  }

  private send(): void {
    const text = this.input.value.trim();
    const link = this.link;
    if (!text || !link) return;
    this.input.value = '';
    link.chat(text).then(
      (at) => this.append(t('chat.you'), text, at),
      (error: unknown) => {
        console.warn('guichet: chat failed', error);
        // Give the words back rather than lose them.
        if (!this.input.value) this.input.value = text;
        this.say('chat.failed');
      },
    );
  }

  private append(name: string, text: string, at: string): void {
    const item = create('li');
    const meta = create('p', { className: 'meta' });
    const time = create('time', { attrs: { datetime: at } });
    const date = new Date(at);
    time.textContent = Number.isNaN(date.getTime())
      ? ''
      : date.toLocaleTimeString(document.documentElement.lang, { hour: '2-digit', minute: '2-digit' });
    meta.append(name, ' · ', time);
    const body = create('p');
    body.textContent = text;
    item.append(meta, body);
    this.log.append(item);
    item.scrollIntoView({ block: 'nearest' });
  }
}
