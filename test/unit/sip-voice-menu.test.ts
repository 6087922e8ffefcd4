import { describe, expect, it } from 'vitest';
import {
  VoiceMenu,
  type HangupReason,
  type PromptItem,
  type Timers,
} from '../../sip-gateway/ivr/voice-menu.js';
import type { EnterOutcome, RoomEvent, RoomSession } from '../../sip-gateway/room/room-link.js';

/** A clock the test moves by hand. */
class FakeTimers implements Timers {
  now = 0;
  #timers: { at: number; fn: () => void; live: boolean }[] = [];
  setTimeout(fn: () => void, ms: number): () => void {
    const t = { at: this.now + ms, fn, live: true };
    this.#timers.push(t);
    return () => (t.live = false);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = this.#timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.live = false;
      this.now = next.at;
      next.fn();
    }
    this.now = until;
  }
}

class FakeSession implements RoomSession {
  readonly participantId = 'phone-1';
  left = false;
  listener: ((e: RoomEvent) => void) | undefined;
  onEvent(l: (e: RoomEvent) => void): void {
    this.listener = l;
  }
  sendAudio(): void {}
  onRoomAudio(): void {}
  async leave(): Promise<void> {
    this.left = true;
  }
}

function harness(outcomes: EnterOutcome[], options: { capped?: boolean } = {}) {
  const timers = new FakeTimers();
  const played: string[][] = [];
  let done: (() => void) | undefined;
  const hangups: HangupReason[] = [];
  const pins: string[] = [];
  const connected: RoomSession[] = [];
  let wrong = 0;
  const menu = new VoiceMenu({
    timers,
    timeZone: 'Europe/Paris',
    play: (items: PromptItem[], onDone) => {
      played.push(items.map((i) => ('prompt' in i ? i.prompt : `${i.silence}ms`)));
      done = onDone;
    },
    stopPrompt: () => (done = undefined),
    enter: async (pin) => {
      pins.push(pin);
      return outcomes.shift() ?? { state: 'wrong_pin' };
    },
    pinCapped: () => options.capped ?? false,
    recordWrongPin: () => wrong++,
    connect: (s) => connected.push(s),
    setMuted: () => undefined,
    hangup: (r) => hangups.push(r),
  });
  const finishPrompt = () => {
    const d = done;
    done = undefined;
    d?.();
  };
  const type = async (keys: string) => {
    for (const k of keys) menu.digit(k);
    await Promise.resolve();
    await Promise.resolve();
  };
  return { menu, timers, played, hangups, pins, connected, finishPrompt, type, wrong: () => wrong };
}

describe('voice menu', () => {
  it('welcomes, asks for the code, and takes it at #', async () => {
    const session = new FakeSession();
    const h = harness([{ state: 'lobby', session }]);
    h.menu.start();
    expect(h.played[0]).toEqual(['welcome', 'ask_pin']);
    await h.type('123456#');
    expect(h.pins).toEqual(['123456']);
    expect(h.menu.state).toBe('lobby');
    expect(h.played.at(-1)).toEqual(['waiting', '2000ms', 'tone', '2000ms']);
    // The waiting prompt repeats, with the soft tone between.
    h.finishPrompt();
    expect(h.played.at(-1)).toEqual(['waiting', '2000ms', 'tone', '2000ms']);
    // The agent admits: the admitted prompt, then the room.
    session.listener?.({ type: 'admitted' });
    expect(h.played.at(-1)).toEqual(['admitted']);
    expect(h.connected).toHaveLength(0);
    h.finishPrompt();
    expect(h.connected).toEqual([session]);
    expect(h.menu.state).toBe('connected');
  });

  it('an admission that came before the menu listened (replayed at onEvent, as CoreSession does) admits the caller', async () => {
    // The session holds events until a listener is on, then hands them over at once.
    class EarlyAdmitted extends FakeSession {
      override onEvent(l: (e: RoomEvent) => void): void {
        super.onEvent(l);
        l({ type: 'admitted' });
      }
    }
    const session = new EarlyAdmitted();
    const h = harness([{ state: 'lobby', session }]);
    h.menu.start();
    await h.type('123456#');
    expect(h.menu.state).toBe('connected');
    expect(h.played.at(-1)).toEqual(['admitted']);
    h.finishPrompt();
    expect(h.connected).toEqual([session]);
  });

  it('three wrong codes: the wrong-code prompt each time, then goodbye and hang up', async () => {
    const h = harness([]);
    h.menu.start();
    for (let i = 0; i < 3; i++) await h.type('000000#');
    expect(h.played).toEqual([
      ['welcome', 'ask_pin'],
      ['wrong_pin', 'ask_pin'],
      ['wrong_pin', 'ask_pin'],
      ['wrong_pin', 'goodbye'],
    ]);
    expect(h.wrong()).toBe(3);
    expect(h.hangups).toEqual([]);
    h.finishPrompt();
    expect(h.hangups).toEqual(['wrong_pin']);
  });

  it('a code of the wrong length is a wrong try without asking the room', async () => {
    const h = harness([]);
    h.menu.start();
    await h.type('12#');
    expect(h.pins).toEqual([]);
    expect(h.played.at(-1)).toEqual(['wrong_pin', 'ask_pin']);
  });

  it('too early: says when the appointment starts and from when to call, in Paris time', async () => {
    const h = harness([
      {
        state: 'too_early',
        startsAt: new Date('2030-01-07T13:30:00Z'),
        opensAt: new Date('2030-01-07T13:15:00Z'),
      },
    ]);
    h.menu.start();
    await h.type('123456#');
    expect(h.played.at(-1)).toEqual([
      'starts_at',
      'n14',
      'hours',
      'n30',
      '300ms',
      'call_back_from',
      'n14',
      'hours',
      'n15',
      '300ms',
      'goodbye',
    ]);
    h.finishPrompt();
    expect(h.hangups).toEqual(['too_early']);
  });

  it('a full hour is said without minutes', async () => {
    const h = harness([
      {
        state: 'too_early',
        startsAt: new Date('2030-06-07T07:00:00Z'),
        opensAt: new Date('2030-06-07T06:45:00Z'),
      },
    ]);
    h.menu.start();
    await h.type('123456#');
    expect(h.played.at(-1)?.slice(0, 3)).toEqual(['starts_at', 'n9', 'hours']);
    expect(h.played.at(-1)?.[3]).toBe('300ms');
  });

  it.each([
    ['refused', 'refused'],
    ['ended', 'ended'],
    ['cancelled', 'cancelled'],
  ] as const)(
    'in the lobby, %s: the matching prompt, goodbye, hang up, and the room is left',
    async (event, prompt) => {
      const session = new FakeSession();
      const h = harness([{ state: 'lobby', session }]);
      h.menu.start();
      await h.type('123456#');
      session.listener?.({ type: event });
      expect(h.played.at(-1)).toEqual([prompt, 'goodbye']);
      expect(session.left).toBe(true);
      h.finishPrompt();
      expect(h.hangups).toEqual([event]);
    },
  );

  it('removed while in the room: the removed prompt, then hang up', async () => {
    const session = new FakeSession();
    const h = harness([{ state: 'admitted', session }]);
    h.menu.start();
    await h.type('123456#');
    h.finishPrompt();
    expect(h.menu.state).toBe('connected');
    session.listener?.({ type: 'removed' });
    expect(h.played.at(-1)).toEqual(['removed', 'goodbye']);
    h.finishPrompt();
    expect(h.hangups).toEqual(['removed']);
  });

  it.each([['ended'], ['cancelled'], ['unavailable']] as const)(
    'the room answers %s: its prompt, then hang up',
    async (state) => {
      const h = harness([{ state }]);
      h.menu.start();
      await h.type('123456#');
      expect(h.played.at(-1)).toEqual([state, 'goodbye']);
      h.finishPrompt();
      expect(h.hangups).toEqual([state]);
    },
  );

  it('no digits: after 10 s the no-code prompt, three times, then hang up', () => {
    const h = harness([]);
    h.menu.start();
    h.finishPrompt();
    h.timers.advance(9_999);
    expect(h.played).toHaveLength(1);
    h.timers.advance(1);
    expect(h.played.at(-1)).toEqual(['no_digits', 'ask_pin']);
    h.finishPrompt();
    h.timers.advance(10_000);
    h.finishPrompt();
    h.timers.advance(10_000);
    expect(h.played.at(-1)).toEqual(['no_digits', 'goodbye']);
    h.finishPrompt();
    expect(h.hangups).toEqual(['no_digits']);
  });

  it('digits that never end: too many digits is a wrong try; a pause after a few digits times out', async () => {
    const h = harness([]);
    h.menu.start();
    await h.type('1234567890123');
    expect(h.played.at(-1)).toEqual(['wrong_pin', 'ask_pin']);
    await h.type('12');
    h.timers.advance(5_000);
    expect(h.played.at(-1)).toEqual(['no_digits', 'ask_pin']);
  });

  it('six digits and no #: taken after the inter-digit pause', async () => {
    const session = new FakeSession();
    const h = harness([{ state: 'lobby', session }]);
    h.menu.start();
    await h.type('654321');
    h.timers.advance(5_000);
    await Promise.resolve();
    expect(h.pins).toEqual(['654321']);
  });

  it('digits during the welcome stop it (barge-in)', async () => {
    const h = harness([]);
    h.menu.start();
    h.menu.digit('1');
    h.finishPrompt(); // stopped: nothing left to finish
    expect(h.menu.state).toBe('collecting');
  });

  it('capped caller or trunk: the too-many prompt, without asking the room', async () => {
    const h = harness([], { capped: true });
    h.menu.start();
    await h.type('123456#');
    expect(h.pins).toEqual([]);
    expect(h.played.at(-1)).toEqual(['too_many', 'goodbye']);
    h.finishPrompt();
    expect(h.hangups).toEqual(['capped']);
  });

  it('the caller hangs up while the room is asked: the session it got into is left', async () => {
    const session = new FakeSession();
    let resolve!: (o: EnterOutcome) => void;
    const h = harness([]);
    h.menu.deps.enter = () => new Promise((r) => (resolve = r));
    h.menu.start();
    await h.type('123456#');
    h.menu.close();
    resolve({ state: 'lobby', session });
    await Promise.resolve();
    expect(session.left).toBe(true);
    expect(h.hangups).toEqual([]);
  });
});
