import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Agent } from '../auth/agent-auth.js';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import type { AppointmentView, CreateAppointmentBody, PatchAppointmentBody } from '../protocol/index.js';
import type { RoomCommandSink } from '../rooms/room-command.js';
import { generatePassword, generateRoomId, type PasswordHasher } from '../rooms/secrets.js';
import type { AppointmentFilter, AppointmentRecord, NotificationJob, Store } from '../store/store.js';
import { citizenWindow, type AccessPolicy } from './access-window.js';
import { isOver, type AppointmentState } from './appointment-state.js';
import { appointmentView } from './appointment-view.js';
import type { AppointmentLinks } from './links.js';
import { planCancellation, planNotices } from './notification-plan.js';
import type { SecretBox } from './sealed-secret.js';

export interface AppointmentServiceDeps {
  store: Store;
  passwords: PasswordHasher;
  secrets: SecretBox;
  links: AppointmentLinks;
  access: AccessPolicy;
  reminderLeadMinutes: number;
  dialInNumber: string | null;
  clock: () => number;
  log: Logger;
  /** Reaches the live room wherever it runs (cancel, reschedule). */
  commands: RoomCommandSink;
  state: AppointmentState;
}

/** How far ahead a booking may be: a year covers any appointment calendar. */
const MAX_AHEAD_MS = 366 * 24 * 60 * 60_000;
/** A booking a little in the past (clock skew, a slow form) is still accepted. */
const PAST_TOLERANCE_MS = 60_000;
const PIN_ATTEMPTS = 20;
/** How long an Idempotency-Key is remembered: a day covers any client's retries. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/**
 * Booking, rescheduling and cancelling appointments, for agents. Every
 * change records the messages it owes as jobs (sent by the scheduler) and an
 * audit event.
 */
export class AppointmentService {
  readonly #deps: AppointmentServiceDeps;

  constructor(deps: AppointmentServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Books an appointment: one atomic write of the room, the appointment, its
   * PIN, its invitations and its audit event, so a failure leaves nothing
   * behind (no PIN held, no room, no invitation queued). With an
   * Idempotency-Key, a retry returns the first booking instead of a second one.
   */
  async book(
    agent: Agent,
    body: CreateAppointmentBody,
    idempotencyKey: string | null = null,
  ): Promise<AppointmentView> {
    const { store, clock } = this.#deps;
    const now = clock();
    const startsAt = this.#checkStart(body.startsAt, now);
    const id = randomUUID();
    const roomId = generateRoomId();
    const password = generatePassword();
    const record: AppointmentRecord = {
      id,
      roomId,
      agentId: agent.id,
      agentName: agent.name,
      startsAt,
      durationMinutes: body.durationMinutes,
      timeZone: body.timeZone,
      locale: body.locale,
      citizen: {
        displayName: body.citizen.displayName,
        email: body.citizen.email ?? null,
        phone: body.citizen.phone ?? null,
      },
      channels: body.channels,
      note: body.note ?? null,
      citizenReference: body.citizenReference ?? null,
      status: 'scheduled',
      pin: '',
      passwordSealed: this.#deps.secrets.seal(password),
      createdAt: now,
      updatedAt: now,
      personalDataErasedAt: null,
      version: 1,
    };
    const idempotency =
      idempotencyKey === null
        ? null
        : {
            key: `${agent.id}:${idempotencyKey}`,
            fingerprint: createHash('sha256').update(JSON.stringify(body)).digest('base64url'),
            ttlMs: IDEMPOTENCY_TTL_MS,
          };
    for (let attempt = 0; attempt < PIN_ATTEMPTS; attempt += 1) {
      record.pin = String(randomInt(100_000, 1_000_000));
      const jobs = planNotices(record, 'invitation', this.#deps.reminderLeadMinutes, now);
      const result = await store.book({
        room: {
          id: roomId,
          passwordDigest: this.#deps.passwords.digest(password),
          title: null,
          createdBy: agent.id,
          createdAt: new Date(now).toISOString(),
        },
        appointment: record,
        pinUntil: citizenWindow(record, this.#deps.access).closesAt,
        jobs,
        audit: { appointmentId: id, at: now, type: 'booked', actor: 'agent', detail: { agentId: agent.id } },
        idempotency,
      });
      if (result.status === 'pin-taken') continue;
      if (result.status === 'replayed') return this.#replay(agent, result, idempotency?.fingerprint);
      this.#deps.log.info({ appointmentId: id, roomId, agentId: agent.id }, 'appointment booked');
      // The view from what was just written: a read that failed now would turn a done booking into a 503.
      return this.#viewWith(record, jobs);
    }
    throw new Error(`no free dial-in PIN after ${PIN_ATTEMPTS} attempts`);
  }

  /** A retried booking: the first one's current state, if the retry carries the same body. */
  async #replay(
    agent: Agent,
    held: { appointmentId: string; fingerprint: string },
    fingerprint: string | undefined,
  ): Promise<AppointmentView> {
    if (held.fingerprint !== fingerprint) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for another booking; use a new key for a new booking',
      );
    }
    this.#deps.log.info({ appointmentId: held.appointmentId, agentId: agent.id }, 'booking replayed');
    return this.get(agent, held.appointmentId);
  }

  async get(agent: Agent, id: string): Promise<AppointmentView> {
    return this.#view(await this.#owned(agent, id));
  }

  async list(agent: Agent, filter: Omit<AppointmentFilter, 'agentId'>): Promise<AppointmentView[]> {
    const records = await this.#deps.store.listAppointments({
      ...filter,
      ...(agent.role === 'admin' ? {} : { agentId: agent.id }),
    });
    return Promise.all(records.map((record) => this.#view(record)));
  }

  async patch(agent: Agent, id: string, body: PatchAppointmentBody): Promise<AppointmentView> {
    const { store, clock } = this.#deps;
    const current = await this.#owned(agent, id);
    if (current.status === 'cancelled') throw new AppError('ACCESS_CLOSED', 'this appointment was cancelled');
    if (isOver(current.status)) throw new AppError('APPOINTMENT_OVER', 'this appointment is over');
    const now = clock();
    const next: AppointmentRecord = {
      ...current,
      citizen: { ...current.citizen },
      version: current.version + 1,
      updatedAt: now,
    };
    if (body.startsAt !== undefined) next.startsAt = this.#checkStart(body.startsAt, now);
    if (body.durationMinutes !== undefined) next.durationMinutes = body.durationMinutes;
    if (body.timeZone !== undefined) next.timeZone = body.timeZone;
    if (body.locale !== undefined) next.locale = body.locale;
    if (body.note !== undefined) next.note = body.note;
    if (body.citizenReference !== undefined) next.citizenReference = body.citizenReference;
    if (body.channels !== undefined) next.channels = body.channels;
    if (body.citizen?.displayName !== undefined) next.citizen.displayName = body.citizen.displayName;
    if (body.citizen?.email !== undefined) next.citizen.email = body.citizen.email;
    if (body.citizen?.phone !== undefined) next.citizen.phone = body.citizen.phone;
    this.#checkChannels(next);

    const rescheduled =
      next.startsAt !== current.startsAt || next.durationMinutes !== current.durationMinutes;
    if (rescheduled) {
      // The PIN must stay reserved until the new end of the access window.
      await store.claimPin(next.pin, next.id, citizenWindow(next, this.#deps.access).closesAt);
    }
    if (!(await store.updateAppointment(next, current.version))) {
      throw new AppError('CONFLICT', 'the appointment changed meanwhile; read it again and retry');
    }
    if (rescheduled) {
      // An earlier notice not yet sent gives a time that no longer holds: the
      // new one replaces it, so two quick moves tell the citizen once, and a
      // thousand moves leave one set of notices, not a thousand.
      await store.supersedePendingJobs(id, ['reminder', 'invitation', 'rescheduled']);
      for (const job of planNotices(next, 'rescheduled', this.#deps.reminderLeadMinutes, now)) {
        await store.createJob(job);
      }
    }
    await store.appendAudit({
      appointmentId: id,
      at: now,
      type: rescheduled ? 'rescheduled' : 'updated',
      actor: 'agent',
      detail: { agentId: agent.id },
    });
    if (next.startsAt > current.startsAt) {
      // Those already inside are told the new time, and the room closes until then.
      await this.#tellRoom(next, { kind: 'reschedule', startsAt: new Date(next.startsAt).toISOString() });
    }
    return this.#view(next);
  }

  async cancel(agent: Agent, id: string): Promise<AppointmentView> {
    const { store, clock } = this.#deps;
    const current = await this.#owned(agent, id);
    if (current.status === 'cancelled') return this.#view(current);
    if (isOver(current.status)) throw new AppError('APPOINTMENT_OVER', 'this appointment is over');
    const now = clock();
    const next: AppointmentRecord = {
      ...current,
      status: 'cancelled',
      version: current.version + 1,
      updatedAt: now,
    };
    if (!(await store.updateAppointment(next, current.version))) {
      throw new AppError('CONFLICT', 'the appointment changed meanwhile; read it again and retry');
    }
    await store.skipPendingJobs(id, 'cancelled');
    if (now < current.startsAt) {
      for (const job of planCancellation(next, now)) await store.createJob(job);
    }
    await store.releasePin(current.pin, id);
    await store.appendAudit({
      appointmentId: id,
      at: now,
      type: 'cancelled',
      actor: 'agent',
      detail: { agentId: agent.id },
    });
    // Everyone inside, the lobby included, sees « Ce rendez-vous a été annulé ».
    await this.#tellRoom(next, { kind: 'cancel' });
    return this.#view(next);
  }

  /** The change is stored whatever happens; a room that can't be told is logged, not an error for the agent. */
  async #tellRoom(record: AppointmentRecord, command: Parameters<RoomCommandSink['send']>[1]): Promise<void> {
    try {
      await this.#deps.commands.send(record.roomId, command);
    } catch (error) {
      this.#deps.log.error({ err: error, appointmentId: record.id, command: command.kind }, 'room not told');
    }
  }

  /** The record, if this agent may see it; 404 otherwise, so another agent's appointment stays invisible. */
  async #owned(agent: Agent, id: string): Promise<AppointmentRecord> {
    const record = await this.#deps.store.getAppointment(id);
    if (!record || (agent.role !== 'admin' && record.agentId !== agent.id)) {
      throw new NotFoundError('NOT_FOUND', 'no such appointment');
    }
    return record;
  }

  async #view(stored: AppointmentRecord): Promise<AppointmentView> {
    // A window that closed with nobody admitted becomes a no-show, in the store too.
    const record = await this.#deps.state.settle(stored);
    return this.#viewWith(record, await this.#deps.store.jobsForAppointment(record.id));
  }

  #viewWith(record: AppointmentRecord, jobs: NotificationJob[]): AppointmentView {
    return appointmentView(record, jobs, {
      access: this.#deps.access,
      dialInNumber: this.#deps.dialInNumber,
      password: this.#deps.secrets.open(record.passwordSealed),
      links: { agent: this.#deps.links.agent(record), citizen: this.#deps.links.citizen(record) },
    });
  }

  #checkStart(startsAt: string, now: number): number {
    const ms = Date.parse(startsAt);
    if (ms < now - PAST_TOLERANCE_MS) {
      throw new ValidationError('VALIDATION_FAILED', 'startsAt is in the past', [
        { path: 'startsAt', message: 'must be in the future' },
      ]);
    }
    if (ms > now + MAX_AHEAD_MS) {
      throw new ValidationError('VALIDATION_FAILED', 'startsAt is more than a year ahead', [
        { path: 'startsAt', message: 'must be within a year' },
      ]);
    }
    return ms;
  }

  #checkChannels(record: AppointmentRecord): void {
    const fields = [];
    if (record.channels.includes('email') && !record.citizen.email) {
      fields.push({ path: 'citizen.email', message: 'required for the email channel' });
    }
    if (record.channels.includes('sms') && !record.citizen.phone) {
      fields.push({ path: 'citizen.phone', message: 'required for the sms channel' });
    }
    if (fields.length > 0)
      throw new ValidationError('VALIDATION_FAILED', 'a channel lacks its contact', fields);
  }
}
