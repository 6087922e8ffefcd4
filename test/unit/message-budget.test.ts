import { describe, expect, it } from 'vitest';
import { MessageBudget, type MessageVerdict } from '../../signaling/security/message-budget.js';
import { ManualClock } from '../helpers/clock.js';

const tally = (verdicts: MessageVerdict[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const { verdict } of verdicts) counts[verdict] = (counts[verdict] ?? 0) + 1;
  return counts;
};

describe('MessageBudget (socket messages per connection)', () => {
  it('accepts the burst at once, then the rate, and says when the next token comes', () => {
    const clock = new ManualClock(0);
    const budget = new MessageBudget({ burst: 50, perSecond: 20, floodStrikes: 200 }, clock.now);
    expect(tally(Array.from({ length: 50 }, () => budget.take()))).toEqual({ accept: 50 });
    const refused = budget.take();
    expect(refused.verdict).toBe('refuse');
    if (refused.verdict === 'refuse') expect(refused.retryAfterSeconds).toBeCloseTo(1 / 20);
    clock.advance(50); // one token at 20/s
    expect(budget.take().verdict).toBe('accept');
    expect(budget.take().verdict).toBe('refuse');
    // A quiet second refills 20, not more than the burst after a long pause.
    clock.advance(1000);
    expect(tally(Array.from({ length: 21 }, () => budget.take()))).toEqual({ accept: 20, refuse: 1 });
    clock.advance(3_600_000);
    expect(tally(Array.from({ length: 51 }, () => budget.take()))).toEqual({ accept: 50, refuse: 1 });
  });

  it('never disconnects a client that stays at the rate after its burst', () => {
    const clock = new ManualClock(0);
    const budget = new MessageBudget({ burst: 50, perSecond: 20, floodStrikes: 200 }, clock.now);
    const verdicts: MessageVerdict[] = [];
    // 10 minutes at 20 a second, one every 50 ms, after a full burst.
    for (let i = 0; i < 50; i += 1) verdicts.push(budget.take());
    for (let i = 0; i < 12_000; i += 1) {
      clock.advance(50);
      verdicts.push(budget.take());
    }
    expect(tally(verdicts)).toEqual({ accept: 12_050 });
  });

  it('refuses a client a little over the rate without closing it', () => {
    const clock = new ManualClock(0);
    const budget = new MessageBudget({ burst: 50, perSecond: 20, floodStrikes: 200 }, clock.now);
    const verdicts: MessageVerdict[] = [];
    // 25 a second for 10 minutes: 5 refused a second, each forgiven by the refill.
    for (let i = 0; i < 15_000; i += 1) {
      clock.advance(40);
      verdicts.push(budget.take());
    }
    const counts = tally(verdicts);
    expect(counts['disconnect']).toBeUndefined();
    expect(counts['refuse']).toBeGreaterThan(2_500);
  });

  it('disconnects a flood: the burst, then floodStrikes refusals, then the last straw', () => {
    const clock = new ManualClock(0);
    const budget = new MessageBudget({ burst: 50, perSecond: 20, floodStrikes: 200 }, clock.now);
    const verdicts = Array.from({ length: 251 }, () => budget.take());
    expect(tally(verdicts)).toEqual({ accept: 50, refuse: 200, disconnect: 1 });
    expect(verdicts[250]?.verdict).toBe('disconnect');
  });

  it('disconnects a client that keeps sending at several times the rate', () => {
    const clock = new ManualClock(0);
    const budget = new MessageBudget({ burst: 50, perSecond: 20, floodStrikes: 200 }, clock.now);
    // 60 a second: 40 refused a second, 20 forgiven: strikes last about 10 s after the burst.
    let sent = 0;
    let last: MessageVerdict = { verdict: 'accept' };
    while (last.verdict !== 'disconnect' && sent < 100_000) {
      clock.advance(1000 / 60);
      last = budget.take();
      sent += 1;
    }
    expect(last.verdict).toBe('disconnect');
    expect(sent / 60).toBeGreaterThan(8);
    expect(sent / 60).toBeLessThan(15);
  });

  it('refuses nonsense options', () => {
    expect(() => new MessageBudget({ burst: 0, perSecond: 20, floodStrikes: 10 })).toThrow();
    expect(() => new MessageBudget({ burst: 10, perSecond: 0, floodStrikes: 10 })).toThrow();
    expect(() => new MessageBudget({ burst: 10, perSecond: 20, floodStrikes: 0 })).toThrow();
  });
});
