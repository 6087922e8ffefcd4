import { EventEmitter } from 'node:events';
import { citizenAccess, citizenWindow } from '../../signaling/appointments/access-window.js';
import type { Store } from '../../signaling/store/store.js';
import type {
  CallerIdentity,
  EnterOutcome,
  RoomEvent,
  RoomLink,
  RoomSession,
} from '../../sip-gateway/room/room-link.js';

const POLICY = { opensMinutesBefore: 15, graceMinutesAfter: 30 };

/** One caller in the test lobby, seen from the test (which plays the agent). */
export interface LobbyEntry {
  appointmentId: string;
  caller: CallerIdentity;
  participantId: string;
  session: TestSession;
  left: boolean;
}

export class TestSession implements RoomSession {
  readonly events = new EventEmitter();
  readonly sent: Uint8Array[] = [];
  #left = false;

  constructor(
    readonly participantId: string,
    readonly onLeave: () => void,
  ) {}

  onEvent(listener: (event: RoomEvent) => void): void {
    this.events.on('event', listener);
  }
  sendAudio(opusFrame: Uint8Array): void {
    this.sent.push(opusFrame);
  }
  onRoomAudio(listener: (sourceId: string, opusFrame: Uint8Array) => void): void {
    this.events.on('audio', listener);
  }
  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.onLeave();
  }
  /** The agent's side: what the room core would tell the gateway. */
  emit(event: RoomEvent): void {
    this.events.emit('event', event);
  }
  pushRoomAudio(sourceId: string, frame: Uint8Array): void {
    this.events.emit('audio', sourceId, frame);
  }
}

/**
 * The RoomLink the SIP tests bind to: PINs and access windows from a real
 * store (SQLite, the embedded default) with the real access-window rules;
 * the lobby is this object, and the test plays the agent who admits or
 * refuses. The room core (issue #12) replaces exactly this part.
 */
export class StoreRoomLink implements RoomLink {
  readonly lobby: LobbyEntry[] = [];
  #next = 0;

  constructor(
    readonly store: Store,
    readonly now: () => number = Date.now,
  ) {}

  async enterWithPin(pin: string, caller: CallerIdentity): Promise<EnterOutcome> {
    const now = this.now();
    const id = await this.store.findPin(pin, now);
    const appointment = id ? await this.store.getAppointment(id) : null;
    if (!appointment) return { state: 'wrong_pin' };
    if (appointment.status === 'cancelled') return { state: 'cancelled' };
    const access = citizenAccess(appointment, POLICY, now);
    if (access === 'early') {
      const { opensAt } = citizenWindow(appointment, POLICY);
      return { state: 'too_early', startsAt: new Date(appointment.startsAt), opensAt: new Date(opensAt) };
    }
    if (access === 'closed') return { state: 'ended' };
    const participantId = `phone-${++this.#next}`;
    const entry: LobbyEntry = {
      appointmentId: appointment.id,
      caller,
      participantId,
      left: false,
      session: new TestSession(participantId, () => (entry.left = true)),
    };
    this.lobby.push(entry);
    return { state: 'lobby', session: entry.session };
  }
}
