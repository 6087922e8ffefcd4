import * as z from 'zod';
import type { AgendaItem } from '../../../signaling/protocol/console.js';
import { ApiError, type ConsoleApi } from './api.js';
import { localInstant } from './agenda.js';
import { byId } from './dom.js';
import { tc } from './i18n.js';

/*
 * « Nouveau rendez-vous » and « Déplacer », one dialog. Everything typed is
 * kept in sessionStorage as it is typed, so a session that expires mid-form
 * (sign-in again, even through the provider's pages) loses nothing.
 */

const DRAFT_KEY = 'guichet.console.draft';
const DraftSchema = z.object({
  mode: z.enum(['book', 'reschedule']),
  appointmentId: z.string().nullable(),
  fields: z.record(z.string(), z.string()),
  channels: z.array(z.string()),
});
type Draft = z.infer<typeof DraftSchema>;

const TEXT_FIELDS = [
  'date',
  'time',
  'duration',
  'name',
  'email',
  'phone',
  'locale',
  'note',
  'reference',
] as const;

function readDraft(): Draft | null {
  try {
    const raw = window.sessionStorage.getItem(DRAFT_KEY);
    const parsed = raw ? DraftSchema.safeParse(JSON.parse(raw)) : null;
    return parsed?.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeDraft(draft: Draft | null): void {
  try {
    if (draft) window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    else window.sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // Private modes: the form still works, it just isn't kept.
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

export class BookingForm {
  readonly #dialog = byId('book-dialog', HTMLDialogElement);
  readonly #form = byId('book-form', HTMLFormElement);
  readonly #error = byId('book-error', HTMLParagraphElement);
  #mode: Draft['mode'] = 'book';
  #appointmentId: string | null = null;

  constructor(
    private readonly api: ConsoleApi,
    private readonly onSaved: (message: string) => void,
  ) {
    this.#form.addEventListener('input', () => this.#save());
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#submit();
    });
    byId('book-cancel', HTMLButtonElement).addEventListener('click', () => {
      writeDraft(null);
      this.#dialog.close();
    });
  }

  #input(name: (typeof TEXT_FIELDS)[number]): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
    const element = this.#form.elements.namedItem(name);
    if (
      element instanceof HTMLInputElement ||
      element instanceof HTMLSelectElement ||
      element instanceof HTMLTextAreaElement
    ) {
      return element;
    }
    throw new Error(`no field ${name}`);
  }

  #channels(): HTMLInputElement[] {
    return [...this.#form.querySelectorAll<HTMLInputElement>('input[name="channel"]')];
  }

  #save(): void {
    const fields: Record<string, string> = {};
    for (const name of TEXT_FIELDS) fields[name] = this.#input(name).value;
    writeDraft({
      mode: this.#mode,
      appointmentId: this.#appointmentId,
      fields,
      channels: this.#channels()
        .filter((c) => c.checked)
        .map((c) => c.value),
    });
  }

  #show(mode: Draft['mode'], appointmentId: string | null): void {
    this.#mode = mode;
    this.#appointmentId = appointmentId;
    byId('book-title', HTMLHeadingElement).textContent = tc(
      mode === 'book' ? 'book.title' : 'reschedule.title',
    );
    byId('book-submit', HTMLButtonElement).textContent = tc(
      mode === 'book' ? 'book.submit' : 'reschedule.submit',
    );
    byId('book-citizen', HTMLDivElement).hidden = mode === 'reschedule';
    this.#error.textContent = '';
    if (!this.#dialog.open) this.#dialog.showModal();
    this.#save();
  }

  #fill(fields: Record<string, string>, channels: string[] | null): void {
    for (const name of TEXT_FIELDS) {
      const value = fields[name];
      if (value !== undefined) this.#input(name).value = value;
    }
    if (channels) for (const c of this.#channels()) c.checked = channels.includes(c.value);
  }

  openNew(): void {
    this.#form.reset();
    const soon = new Date(Date.now() + 60 * 60_000);
    soon.setMinutes(soon.getMinutes() < 30 ? 30 : 60, 0, 0);
    this.#fill(
      {
        date: `${soon.getFullYear()}-${pad(soon.getMonth() + 1)}-${pad(soon.getDate())}`,
        time: `${pad(soon.getHours())}:${pad(soon.getMinutes())}`,
      },
      null,
    );
    this.#show('book', null);
  }

  openReschedule(item: AgendaItem): void {
    const start = new Date(item.startsAt);
    this.#fill(
      {
        date: `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`,
        time: `${pad(start.getHours())}:${pad(start.getMinutes())}`,
        duration: String(item.durationMinutes),
      },
      null,
    );
    this.#show('reschedule', item.id);
  }

  /** After signing in again: the unfinished form comes back as it was left. */
  restoreDraft(): boolean {
    const draft = readDraft();
    if (!draft) return false;
    this.#form.reset();
    this.#fill(draft.fields, draft.channels);
    this.#show(draft.mode, draft.appointmentId);
    return true;
  }

  /** The session ended: close without forgetting. */
  suspend(): void {
    if (this.#dialog.open) this.#dialog.close();
  }

  async #submit(): Promise<void> {
    const value = (name: (typeof TEXT_FIELDS)[number]): string => this.#input(name).value.trim();
    const startsAt = localInstant(value('date'), value('time'));
    if (!startsAt) {
      this.#error.textContent = tc('book.badTime');
      return;
    }
    const durationMinutes = Number(value('duration'));
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const submit = byId('book-submit', HTMLButtonElement);
    submit.disabled = true;
    try {
      if (this.#mode === 'reschedule' && this.#appointmentId) {
        await this.api.reschedule(this.#appointmentId, { startsAt, durationMinutes, timeZone });
        this.onSaved(tc('reschedule.done'));
      } else {
        const email = value('email');
        const phone = value('phone').replace(/[\s.]/g, '');
        const note = value('note');
        // Shown to the citizen on the join page, the lobby and in the call (the note is not).
        const reference = value('reference');
        const view = await this.api.book({
          startsAt,
          durationMinutes,
          timeZone,
          locale: value('locale') === 'en' ? 'en' : 'fr',
          citizen: { displayName: value('name'), ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
          channels: this.#channels()
            .filter((c) => c.checked)
            .map((c) => c.value),
          ...(note ? { note } : {}),
          ...(reference ? { citizenReference: reference } : {}),
        });
        this.onSaved(tc('book.done', { name: view.citizen.displayName }));
      }
      writeDraft(null);
      this.#dialog.close();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      this.#error.textContent =
        error instanceof ApiError
          ? error.fields.length > 0
            ? error.fields.map((f) => `${tc('book.field')} ${f.path} : ${f.message}`).join(' ; ')
            : error.message
          : tc('error.network');
    } finally {
      submit.disabled = false;
    }
  }
}
