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
  /** Bound on one send, whatever the sender does (default 30 s). */
  sendTimeoutMs?: number;
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
 *
 * Each channel has its own lane (one send at a time per channel, lanes in
 * parallel), and every send has a deadline: a hung SMTP relay holds up the
 * emails behind it for at most sendTimeoutMs, and the SMS not at all.
 */
export class NotificationScheduler {
  readonly #deps: Required<
    Omit<SchedulerDeps, 'leaseMs' | 'maxAttempts' | 'retryBaseMs' | 'onOutcome' | 'sendTimeoutMs'>
  > & {
    leaseMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    sendTimeoutMs: number;
    onOutcome: OutcomeListener | undefined;
  };
  #timer: NodeJS.Timeout | null = null;
  #dispatching: Promise<Promise<boolean>[]> | null = null;
  /** The tail of each channel's lane: the next job of that channel starts after it. */
  readonly #lanes = new Map<Channel, Promise<unknown>>();
  /** Jobs queued or being sent by this process, so a later tick does not queue them twice. */
  readonly #queued = new Set<string>();

  constructor(deps: SchedulerDeps) {
    this.#deps = {
      leaseMs: 120_000,
      maxAttempts: 6,
      retryBaseMs: 30_000,
      sendTimeoutMs: 30_000,
      onOutcome: undefined,
      ...deps,
    };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#deps.intervalMs);
    this.#timer.unref();
    void this.tick();
  }

  /** Stops the loop and waits for the sends in progress (each bounded by sendTimeoutMs). Idempotent. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#dispatching;
    await Promise.allSettled([...this.#lanes.values()]);
  }

  /**
   * Queues the due jobs on their channel's lane and resolves once those are
   * handled, with how many this process handled. A tick never waits for
   * another tick's jobs, so a lane that is stuck never stops the other lanes
   * from getting new work.
   */
  async tick(): Promise<number> {
    this.#dispatching ??= this.#dispatch().finally(() => {
      this.#dispatching = null;
    });
    const handled = await Promise.all(await this.#dispatching);
    return handled.filter(Boolean).length;
  }

  async #dispatch(): Promise<Promise<boolean>[]> {
    const queued: Promise<boolean>[] = [];
    try {
      const ids = await this.#deps.store.dueJobIds(this.#deps.clock(), 100);
      for (const id of ids) {
        if (this.#queued.has(id)) continue;
        const job = await this.#deps.store.getJob(id);
        if (!job) continue;
        this.#queued.add(id);
        const lane = this.#lanes.get(job.channel) ?? Promise.resolve();
        const handled = lane.then(() => this.#handle(id)).finally(() => this.#queued.delete(id));
        this.#lanes.set(
          job.channel,
          handled.catch(() => undefined),
        );
        queued.push(handled.catch(() => false));
      }
    } catch (error) {
      this.#deps.log.error({ err: error }, 'notification pass failed; next tick retries');
    }
    return queued;
  }

  async #handle(id: string): Promise<boolean> {
    try {
      return await this.#handleClaimed(id);
    } catch (error) {
      // The store failed (an outage): the job stays pending, or its lease runs out; a later tick retries.
      this.#deps.log.error({ err: error, jobId: id }, 'notification not handled; next tick retries');
      return false;
    }
  }

  async #handleClaimed(id: string): Promise<boolean> {
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
    const tooLate =
      !appointment ||
      (appointment.status === 'cancelled' && job.kind !== 'cancelled') ||
      (job.kind === 'reminder' && now >= appointment.startsAt);
    if (tooLate && job.handedAt !== null) {
      // A node handed it to the relay and died before recording the answer:
      // it most likely went out. Saying "skipped" would be untrue.
      log.warn({ handedAt: job.handedAt }, 'delivery presumed: handed to the relay before its node stopped');
      return { status: 'sent', sentAt: job.handedAt };
    }
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
      if (job.handedAt !== null) {
        // Same Message-ID as the first attempt: a duplicate, if any, is recognisable as one.
        log.warn({ handedAt: job.handedAt }, 'resending a message whose first hand-over was never recorded');
      }
      // Recorded before the relay can answer, so a crash after its answer leaves a trace.
      if (!(await this.#deps.store.markJobHanded(job.id, this.#deps.owner, this.#deps.clock()))) {
        return {
          status: 'pending',
          nextAttemptAt: this.#deps.clock(),
          lastError: 'lease lost before sending',
        };
      }
      await withSendDeadline(
        this.#deps.senders[job.channel].send(message, {
          appointmentId: appointment.id,
          agentId: appointment.agentId,
          jobId: job.id,
        }),
        this.#deps.sendTimeoutMs,
        job.channel,
      );
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

async function withSendDeadline(sending: Promise<void>, ms: number, channel: Channel): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeliveryError(false, `${channel} send timed out after ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  try {
    await Promise.race([sending, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
