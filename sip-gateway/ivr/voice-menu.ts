import type { EnterOutcome, RoomEvent, RoomSession } from '../room/room-link.js';

export type PromptItem = { prompt: string } | { silence: number };

/** setTimeout on an injected clock; returns the cancel function. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): () => void;
}

export interface VoiceMenuDeps {
  timers: Timers;
  /** Plays in order, replacing whatever was playing; onDone when all is heard. */
  play(items: PromptItem[], onDone: () => void): void;
  stopPrompt(): void;
  enter(pin: string): Promise<EnterOutcome>;
  /** Whether this caller or trunk has used up its wrong PINs for now (audited by the caller). */
  pinCapped(): boolean;
  recordWrongPin(): void;
  /** The room's audio to the caller and the caller's voice to the room, from now on. */
  connect(session: RoomSession): void;
  setMuted(muted: boolean): void;
  hangup(reason: HangupReason): void;
  timeZone: string;
}

export type HangupReason =
  | 'wrong_pin'
  | 'capped'
  | 'no_digits'
  | 'too_early'
  | 'refused'
  | 'removed'
  | 'ended'
  | 'cancelled'
  | 'unavailable';

export type MenuState = 'welcome' | 'collecting' | 'checking' | 'lobby' | 'connected' | 'leaving' | 'closed';

export const MENU_LIMITS = {
  tries: 3,
  firstDigitMs: 10_000,
  interDigitMs: 5_000,
  maxDigits: 12,
  pinLength: 6,
  /** Silence around the soft tone between two waiting prompts. */
  waitingPauseMs: 4_000,
};

/**
 * The French voice menu, as a state machine on an injected clock (Jigasi's
 * lobby idea: wait / granted / denied prompts): welcome and the PIN loop up
 * to `#`, three tries, then the outcome of the room core; in the lobby the
 * waiting prompt repeats with a soft tone until the agent decides.
 */
export class VoiceMenu {
  #state: MenuState = 'welcome';
  #digits = '';
  #tries = 0;
  #cancelTimer: (() => void) | undefined;
  #session: RoomSession | undefined;

  constructor(readonly deps: VoiceMenuDeps) {}

  get state(): MenuState {
    return this.#state;
  }

  get session(): RoomSession | undefined {
    return this.#session;
  }

  start(): void {
    this.deps.play([{ prompt: 'welcome' }, { prompt: 'ask_pin' }], () =>
      this.#awaitDigits(MENU_LIMITS.firstDigitMs),
    );
  }

  digit(d: string): void {
    if (this.#state !== 'welcome' && this.#state !== 'collecting') return;
    // Barge-in: someone who knows the drill need not hear the whole prompt.
    this.deps.stopPrompt();
    this.#state = 'collecting';
    this.#clearTimer();
    if (d === '#') {
      this.#submit();
      return;
    }
    if (!/^[0-9]$/.test(d)) return;
    this.#digits += d;
    if (this.#digits.length > MENU_LIMITS.maxDigits) {
      this.#failedTry('wrong_pin');
      return;
    }
    this.#awaitDigits(MENU_LIMITS.interDigitMs);
  }

  /** The caller hung up (or the call died): stop everything, leave the room. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#clearTimer();
    void this.#session?.leave();
  }

  #awaitDigits(ms: number): void {
    if (this.#state === 'welcome') this.#state = 'collecting';
    if (this.#state !== 'collecting') return;
    this.#clearTimer();
    this.#cancelTimer = this.deps.timers.setTimeout(() => {
      this.#cancelTimer = undefined;
      // Six digits and no `#`: take them; anything else is a try that timed out.
      if (this.#digits.length === MENU_LIMITS.pinLength) this.#submit();
      else this.#failedTry('no_digits');
    }, ms);
  }

  #submit(): void {
    const pin = this.#digits;
    this.#digits = '';
    if (pin.length !== MENU_LIMITS.pinLength) {
      this.#failedTry('wrong_pin');
      return;
    }
    if (this.deps.pinCapped()) {
      this.#leave(['too_many', 'goodbye'], 'capped');
      return;
    }
    this.#state = 'checking';
    this.deps.enter(pin).then(
      (outcome) => this.#onOutcome(outcome),
      () => this.#onOutcome({ state: 'unavailable' }),
    );
  }

  #failedTry(kind: 'wrong_pin' | 'no_digits'): void {
    this.#digits = '';
    this.#tries++;
    if (kind === 'wrong_pin') this.deps.recordWrongPin();
    if (this.#tries >= MENU_LIMITS.tries) {
      this.#leave([kind, 'goodbye'], kind);
      return;
    }
    if (kind === 'wrong_pin' && this.deps.pinCapped()) {
      this.#leave([kind, 'too_many', 'goodbye'], 'capped');
      return;
    }
    this.#state = 'collecting';
    this.deps.play([{ prompt: kind }, { prompt: 'ask_pin' }], () =>
      this.#awaitDigits(MENU_LIMITS.firstDigitMs),
    );
  }

  #onOutcome(outcome: EnterOutcome): void {
    if (this.#state !== 'checking') {
      // The caller hung up meanwhile: whatever we got into, leave it.
      if ('session' in outcome) void outcome.session.leave();
      return;
    }
    switch (outcome.state) {
      case 'wrong_pin':
        this.#failedTry('wrong_pin');
        return;
      case 'too_early':
        this.#leave(
          [
            { prompt: 'starts_at' },
            ...this.#time(outcome.startsAt),
            { silence: 300 },
            { prompt: 'call_back_from' },
            ...this.#time(outcome.opensAt),
            { silence: 300 },
            { prompt: 'goodbye' },
          ],
          'too_early',
        );
        return;
      case 'ended':
      case 'cancelled':
      case 'unavailable':
        this.#leave([outcome.state, 'goodbye'], outcome.state);
        return;
      case 'lobby':
      case 'admitted':
        this.#session = outcome.session;
        if (outcome.state === 'admitted') this.#admit();
        else {
          this.#state = 'lobby';
          this.#waitingLoop();
        }
        // Only now: an event that came before (an agent admitting within
        // milliseconds of the knock) is replayed at once and must find the menu in the lobby.
        outcome.session.onEvent((event) => this.#onRoomEvent(event));
    }
  }

  #waitingLoop(): void {
    if (this.#state !== 'lobby') return;
    const pause = MENU_LIMITS.waitingPauseMs / 2;
    this.deps.play([{ prompt: 'waiting' }, { silence: pause }, { prompt: 'tone' }, { silence: pause }], () =>
      this.#waitingLoop(),
    );
  }

  #admit(): void {
    this.#state = 'connected';
    const session = this.#session;
    this.deps.play([{ prompt: 'admitted' }], () => {
      if (this.#state === 'connected' && session) this.deps.connect(session);
    });
  }

  #onRoomEvent(event: RoomEvent): void {
    if (this.#state === 'closed' || this.#state === 'leaving') return;
    switch (event.type) {
      case 'admitted':
        if (this.#state === 'lobby') this.#admit();
        return;
      case 'muted':
        this.deps.setMuted(event.muted);
        return;
      case 'refused':
      case 'removed':
      case 'ended':
      case 'cancelled':
        this.#leave([event.type, 'goodbye'], event.type);
    }
  }

  #leave(items: (string | PromptItem)[], reason: HangupReason): void {
    this.#state = 'leaving';
    this.#clearTimer();
    void this.#session?.leave();
    this.deps.play(
      items.map((i) => (typeof i === 'string' ? { prompt: i } : i)),
      () => this.deps.hangup(reason),
    );
  }

  /** « 14 h 30 » spoken as « quatorze heures trente », in the service's time zone. */
  #time(at: Date): PromptItem[] {
    const parts = new Intl.DateTimeFormat('fr-FR', {
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
      timeZone: this.deps.timeZone,
    }).formatToParts(at);
    const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
    const items: PromptItem[] = [{ prompt: `n${hour}` }, { prompt: 'hours' }];
    if (minute) items.push({ prompt: `n${minute}` });
    return items;
  }

  #clearTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}
