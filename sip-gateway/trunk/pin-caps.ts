import type { Logger } from 'pino';
import type { CallerIdentity } from '../room/room-link.js';
import { WindowCounter } from './limits.js';

export interface PinCapsConfig {
  perCaller: { limit: number; windowMs: number };
  perTrunk: { limit: number; windowMs: number };
}

/** Where security events go: the masked number and the trunk, never the number. */
export interface SipAudit {
  record(event: {
    type: 'pin_wrong' | 'pin_capped' | 'call_started' | 'call_ended';
    caller: string;
    trunk: string;
    detail?: string;
  }): void;
}

export function logAudit(log: Logger): SipAudit {
  return { record: (event) => log.info({ audit: true, ...event }, `audit: ${event.type}`) };
}

/** What a call asks about wrong PINs: synchronously, so the voice menu needs no await. */
export interface PinGuard {
  /** Read shared counters for this caller ahead of its first PIN (Redis); absent in memory. */
  warm?(caller: CallerIdentity): Promise<void>;
  capped(caller: CallerIdentity): boolean;
  recordWrong(caller: CallerIdentity): void;
}

/**
 * Wrong PINs counted per caller and per trunk over time, across calls, so
 * the 10⁶ space can't be walked by calling again and again. Every wrong PIN
 * and every refusal by the cap is audited. In this process's memory; with
 * REDIS_URL the gateway uses SharedPinCaps (shared-pin-caps.ts) instead.
 */
export class PinCaps implements PinGuard {
  readonly #perCaller: WindowCounter;
  readonly #perTrunk: WindowCounter;

  constructor(
    config: PinCapsConfig,
    readonly audit: SipAudit,
    now: () => number = Date.now,
  ) {
    this.#perCaller = new WindowCounter(config.perCaller.limit, config.perCaller.windowMs, now);
    this.#perTrunk = new WindowCounter(config.perTrunk.limit, config.perTrunk.windowMs, now);
  }

  capped(caller: CallerIdentity): boolean {
    const capped = this.#perCaller.exceeded(caller.key) || this.#perTrunk.exceeded(caller.trunk);
    if (capped) this.audit.record({ type: 'pin_capped', caller: caller.masked, trunk: caller.trunk });
    return capped;
  }

  recordWrong(caller: CallerIdentity): void {
    this.#perCaller.record(caller.key);
    this.#perTrunk.record(caller.trunk);
    this.audit.record({ type: 'pin_wrong', caller: caller.masked, trunk: caller.trunk });
  }
}
