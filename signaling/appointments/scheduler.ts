import type { Logger } from 'pino';
import { DeliveryError } from '../notify/delivery-error.js';
import type { MessageSender, OutgoingMessage } from '../notify/message.js';
import type { AppointmentRecord, Channel, JobOutcome, NotificationJob, Store } from '../store/store.js';

/** Turns a job and the appointment as it is now into the message to send. */
export type ComposeMessage = (job: NotificationJob, appointment: AppointmentRecord) => OutgoingMessage | null;

export interface SchedulerDeps {
  store: Store;
  senders: Record<Channel, MessageSender>;
  compose: ComposeMessage;
  clock: () => number;
  log: Logger;
  /** This process, as the lease owner ("node id"). */
  owner: string;
  intervalMs: number;
  /** Longer than any send can take; a node that dies mid-send releases the job when it runs out. */
  leaseMs?: number;
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at 1 hour. */
  retryBaseMs?: number;
  /** Told each attempt's outcome, once recorded (metrics). Must not throw. */
  onOutcome?: OutcomeListener;
}

/** `status` is the job's state after the attempt: 'pending' means a retry is scheduled. */
export type OutcomeListener = (
  kind: NotificationJob['kind'],
  channel: Channel,
  status: JobOutcome['status'],
) => void;

const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Sends due notification jobs. Any number of processes may run it against
 * one store: each job is claimed atomically with a lease before sending, so
 * it goes out once. Time comes from the injected clock; tests call tick().
 */
export class NotificationScheduler {
  readonly #deps: Required<Omit<SchedulerDeps, 'leaseMs' | 'maxAttempts' | 'retryBaseMs' | 'onOutcome'>> & {
    leaseMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    onOutcome: OutcomeListener | undefined;
  };
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(deps: SchedulerDeps) {
    this.#deps = { leaseMs: 120_000, maxAttempts: 6, retryBaseMs: 30_000, onOutcome: undefined, ...deps };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#deps.intervalMs);
    this.#timer.unref();
    void this.tick();
  }

  /** Stops the loop and waits for a tick in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One pass over the due jobs; returns how many this process handled. Overlapping calls share one pass. */
  tick(): Promise<number> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(): Promise<number> {
    let handled = 0;
    try {
      const ids = await this.#deps.store.dueJobIds(this.#deps.clock(), 100);
      for (const id of ids) {
        if (await this.#handle(id)) handled += 1;
      }
    } catch (error) {
      this.#deps.log.error({ err: error }, 'notification pass failed; next tick retries');
    }
    return handled;
  }

  async #handle(id: string): Promise<boolean> {
    const { store, owner, leaseMs, clock } = this.#deps;
    const job = await store.claimJob(id, owner, clock(), leaseMs);
    if (!job) return false; // Another node took it, or it is no longer due.
    const log = this.#deps.log.child({ jobId: job.id, appointmentId: job.appointmentId });
    const outcome = await this.#attempt(job, log);
    if (await store.finishJob(job.id, owner, outcome)) {
      this.#deps.onOutcome?.(job.kind, job.channel, outcome.status);
    } else {
      log.warn('lease lost before the outcome was recorded');
    }
    log.info(
      { kind: job.kind, channel: job.channel, status: outcome.status, attempt: job.attempts + 1 },
      'notification',
    );
    return true;
  }

  async #attempt(job: NotificationJob, log: Logger): Promise<JobOutcome> {
    const now = this.#deps.clock();
    const appointment = await this.#deps.store.getAppointment(job.appointmentId);
    if (!appointment) return { status: 'skipped', lastError: 'appointment deleted' };
    if (appointment.status === 'cancelled' && job.kind !== 'cancelled') {
      return { status: 'skipped', lastError: 'appointment cancelled' };
    }
    if (job.kind === 'reminder' && now >= appointment.startsAt) {
      // Came due while no server was running: too late to remind.
      return { status: 'skipped', lastError: 'appointment already started' };
    }
    try {
      // Inside the try: a message that can't be rendered is a (permanent) delivery failure, not a crash loop.
      const message = this.#deps.compose(job, appointment);
      if (!message) {
        return {
          status: 'failed',
          lastError: `no ${job.channel === 'email' ? 'email address' : 'phone number'} for the citizen`,
        };
      }
      await this.#deps.senders[job.channel].send(message, {
        appointmentId: appointment.id,
        agentId: appointment.agentId,
      });
      return { status: 'sent', sentAt: this.#deps.clock() };
    } catch (error) {
      const reason = error instanceof DeliveryError ? error.reason : 'internal error while sending';
      if (!(error instanceof DeliveryError)) log.error({ err: error }, 'sender failed unexpectedly');
      const permanent = error instanceof DeliveryError && error.permanent;
      if (permanent || job.attempts + 1 >= this.#deps.maxAttempts)
        return { status: 'failed', lastError: reason };
      const delay = Math.min(this.#deps.retryBaseMs * 2 ** job.attempts, MAX_BACKOFF_MS);
      return { status: 'pending', nextAttemptAt: this.#deps.clock() + delay, lastError: reason };
    }
  }
}
