import type { RoomId } from '../protocol/index.js';
import type { RoomRecord, RoomStore } from './room-store.js';

/*
 * Everything the control plane persists, as one interface with two
 * implementations: the embedded one (SQLite under DATA_DIR, the default) and
 * Redis (REDIS_URL, for several nodes). test/integration/store-contract runs
 * the same suite against both. Times are epoch milliseconds; records are
 * plain data, copied in and out (mutating a returned object changes nothing).
 */

export type Locale = 'fr' | 'en';
export type Channel = 'email' | 'sms';
/** See signaling/appointments/appointment-state.ts for the moves between them. */
export type AppointmentStatus = 'scheduled' | 'open' | 'in_progress' | 'ended' | 'cancelled' | 'no_show';

export interface CitizenRecord {
  displayName: string;
  /** Erased ('' for the name, null for the others) RETENTION_DAYS after the appointment ends. */
  email: string | null;
  phone: string | null;
}

export interface AppointmentRecord {
  id: string;
  roomId: RoomId;
  agentId: string;
  agentName: string;
  startsAt: number;
  durationMinutes: number;
  timeZone: string;
  locale: Locale;
  citizen: CitizenRecord;
  channels: Channel[];
  /** The agent's private note; never shown to the citizen. Erased by retention. */
  note: string | null;
  /**
   * The file reference the agent chose to show the citizen (« Dossier
   * 2026-0042 ») on the join page, the lobby and in the call, or null. It may
   * hold personal data: erased by retention like the note.
   */
  citizenReference: string | null;
  status: AppointmentStatus;
  /** 6-digit dial-in PIN, unique among appointments that are not over. */
  pin: string;
  /** Room password, encrypted with SECRET_KEY (AES-256-GCM), so reminders can repeat it. */
  passwordSealed: string;
  createdAt: number;
  updatedAt: number;
  /** When the citizen's contact details were erased (retention), else null. */
  personalDataErasedAt: number | null;
  /** Bumped on every update; updateAppointment checks it (optimistic concurrency). */
  version: number;
}

export interface AppointmentFilter {
  /** Only this agent's appointments (absent: all, for admins). */
  agentId?: string;
  /** startsAt >= from */
  from?: number;
  /** startsAt < to */
  to?: number;
  status?: AppointmentStatus;
  limit: number;
}

export type NotificationKind = 'invitation' | 'reminder' | 'rescheduled' | 'cancelled';
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/**
 * One message to send, once. Its id is deterministic
 * (`${appointmentId}:${kind}:${channel}:${generation}`), so creating it twice
 * (two nodes, a restart) is harmless: the second create is a no-op.
 */
export interface NotificationJob {
  id: string;
  appointmentId: string;
  kind: NotificationKind;
  channel: Channel;
  /** Bumped by each reschedule, so a new reminder is a new job. */
  generation: number;
  status: NotificationStatus;
  /** When it should go out (a reminder: startsAt - lead). */
  dueAt: number;
  /** When the next attempt may run (dueAt, then backoff after failures). */
  nextAttemptAt: number;
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
  /**
   * When an attempt handed the message to the relay (recorded just before the
   * send), cleared by a failed attempt. Set on a job still pending means a
   * node died between the hand-over and the record: the message may have gone.
   */
  handedAt: number | null;
  /** Who holds the job right now, until when: a node that dies mid-send loses it at leaseUntil. */
  leaseOwner: string | null;
  leaseUntil: number;
  createdAt: number;
}

export type JobOutcome =
  | { status: 'sent'; sentAt: number }
  | { status: 'pending'; nextAttemptAt: number; lastError: string }
  | { status: 'failed'; lastError: string }
  | { status: 'skipped'; lastError: string };

export interface AuditEvent {
  appointmentId: string;
  at: number;
  /** e.g. 'booked', 'rescheduled', 'cancelled', 'joined', 'left', 'admitted', 'refused', 'identity-verified', 'ended' */
  type: string;
  /** Role of whoever acted: 'agent', 'citizen', 'guest', 'system'. */
  actor: string;
  /** Free details, never personal data (no email, no phone). */
  detail: Record<string, string | number | boolean | null>;
}

/** A message kept instead of sent, when no SMTP/SMS is configured (the embedded default). */
export interface OutboxMessage {
  id: string;
  appointmentId: string;
  agentId: string;
  channel: Channel;
  to: string;
  subject: string | null;
  text: string;
  createdAt: number;
}

/**
 * Everything a booking writes, applied all together or not at all: the room,
 * the appointment, its PIN, its invitation jobs, its audit event and, when the
 * agent sent an Idempotency-Key, the key.
 */
export interface Booking {
  room: RoomRecord;
  appointment: AppointmentRecord;
  /** The appointment's PIN is reserved until then (the end of the citizen's access window). */
  pinUntil: number;
  jobs: NotificationJob[];
  audit: AuditEvent;
  idempotency: IdempotencyClaim | null;
}

export interface IdempotencyClaim {
  /** Scoped by the caller (agent id + the header's value), so agents never share keys. */
  key: string;
  /** A digest of the request body: the same key with another body is refused. */
  fingerprint: string;
  /** How long the key is remembered. */
  ttlMs: number;
}

export type BookingResult =
  | { status: 'booked' }
  /** Another live appointment holds the PIN: nothing was written; pick another. */
  | { status: 'pin-taken' }
  /** The Idempotency-Key was used before: nothing was written; this is what it booked. */
  | { status: 'replayed'; appointmentId: string; fingerprint: string };

export interface Store extends RoomStore {
  // Bookings
  /**
   * Writes a whole booking atomically (one Lua script, one SQLite transaction).
   * The Redis store also refuses it once its deadline has passed, so a booking
   * whose caller already got 503 never lands later.
   */
  book(booking: Booking): Promise<BookingResult>;

  // Appointments
  /** Inserts; throws if the id exists. */
  insertAppointment(record: AppointmentRecord): Promise<void>;
  getAppointment(id: string): Promise<AppointmentRecord | null>;
  getAppointmentByRoom(roomId: RoomId): Promise<AppointmentRecord | null>;
  /** Replaces the record if its stored version is `expectedVersion`; returns false otherwise. The caller sets the new version. */
  updateAppointment(record: AppointmentRecord, expectedVersion: number): Promise<boolean>;
  /** Ordered by startsAt ascending. */
  listAppointments(filter: AppointmentFilter): Promise<AppointmentRecord[]>;
  /** Appointments whose end (startsAt + duration) is before `before` and whose personal data is not yet erased. */
  listEndedWithPersonalData(before: number, limit: number): Promise<AppointmentRecord[]>;

  // Dial-in PINs
  /** Reserve a PIN for an appointment until `until`; false if another live appointment holds it. */
  claimPin(pin: string, appointmentId: string, until: number): Promise<boolean>;
  /** Release it, only if this appointment holds it. */
  releasePin(pin: string, appointmentId: string): Promise<void>;
  /** The appointment holding a PIN now (`now` < its until), if any. */
  findPin(pin: string, now: number): Promise<string | null>;

  // Notification jobs
  /** Creates the job unless one with its id exists; returns whether it was created. */
  createJob(job: NotificationJob): Promise<boolean>;
  getJob(id: string): Promise<NotificationJob | null>;
  jobsForAppointment(appointmentId: string): Promise<NotificationJob[]>;
  /** Ids of pending jobs with nextAttemptAt <= now, soonest first. */
  dueJobIds(now: number, limit: number): Promise<string[]>;
  /**
   * Atomically take a due job: only if it is pending, nextAttemptAt <= now and
   * its lease has expired (leaseUntil <= now). Returns the job as claimed, or null.
   */
  claimJob(id: string, owner: string, now: number, leaseMs: number): Promise<NotificationJob | null>;
  /** Record that `owner` is handing the job's message to the relay now, only while it holds the lease. */
  markJobHanded(id: string, owner: string, at: number): Promise<boolean>;
  /** Record an attempt's outcome, only if `owner` still holds the lease; attempts += 1 for sent/pending/failed. */
  finishJob(id: string, owner: string, outcome: JobOutcome): Promise<boolean>;
  /** Mark every pending job of an appointment (optionally of given kinds) skipped, with a reason. */
  skipPendingJobs(appointmentId: string, reason: string, kinds?: NotificationKind[]): Promise<number>;
  /**
   * A reschedule replaces the pending notices of these kinds: one no sender
   * ever took is deleted (it said nothing yet, and keeping each would grow an
   * appointment's jobs with every move); one a sender took is skipped with
   * 'rescheduled', so a send that may have happened stays on record.
   */
  supersedePendingJobs(appointmentId: string, kinds: NotificationKind[]): Promise<number>;

  // Audit trail (append-only, no personal data)
  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(appointmentId: string): Promise<AuditEvent[]>;

  // Outbox (embedded default without SMTP/SMS)
  addOutbox(message: OutboxMessage): Promise<void>;
  listOutbox(filter: { agentId?: string; appointmentId?: string; limit: number }): Promise<OutboxMessage[]>;
  /** Erase the recipients and texts of an appointment's outbox messages (retention); the rest stays as a trace. */
  eraseOutboxPersonalData(appointmentId: string): Promise<void>;

  /** Resolves when the store answers a trivial query (readiness checks); rejects otherwise. */
  ping(): Promise<void>;
}
