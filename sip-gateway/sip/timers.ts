/** RFC 3261 §17 timers; T1 is configurable so tests need not wait 32 s. */
export interface SipTimers {
  t1: number;
  t2: number;
}

export const DEFAULT_SIP_TIMERS: SipTimers = { t1: 500, t2: 4000 };

/**
 * Retransmits with the interval starting at T1 and doubling up to T2, until
 * stopped, and gives up after 64·T1 (timers A/E/G and the 2xx resend of
 * §13.3.1.4 all follow this pattern).
 */
export function retransmit(timers: SipTimers, send: () => void, onGiveUp: () => void): () => void {
  let interval = timers.t1;
  let stopped = false;
  let timer: NodeJS.Timeout;
  const deadline = setTimeout(() => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    onGiveUp();
  }, 64 * timers.t1);
  const again = (): void => {
    timer = setTimeout(() => {
      if (stopped) return;
      send();
      interval = Math.min(interval * 2, timers.t2);
      again();
    }, interval);
  };
  again();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(deadline);
  };
}
