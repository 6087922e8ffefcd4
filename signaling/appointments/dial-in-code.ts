import type { JoinTokens } from '../auth/join-token.js';
import { AppError, AuthError, NotFoundError } from '../errors.js';
import { defaultDialIn, type DialInNumber, type JitsiConfCode } from '../protocol/dial-in.js';
import { RoomIdSchema } from '../protocol/ids.js';
import type { PasswordHasher } from '../rooms/secrets.js';
import type { AttemptContext } from '../security/attempt-limiter.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-window.js';
import { isOver, statusAt } from './appointment-state.js';

/** How the caller of `dialInConfCodeUrl` proves it may know the room's PIN. */
export interface DialInProof {
  /** The one-click link's token (`?t=`), the citizen's or the agent's. */
  token?: string | undefined;
  /** The room password (`X-Room-Password`), for whoever typed the address by hand. */
  password?: string | undefined;
}

/** The join guard's shape (signaling/security/attempt-limiter.ts): wrong proofs count as wrong passwords. */
export interface ProofGuard {
  guard<T>(context: AttemptContext, attempt: () => Promise<T>): Promise<T>;
}

export interface DialInCodesDeps {
  store: Store;
  tokens: JoinTokens;
  passwords: PasswordHasher;
  access: AccessPolicy;
  clock: () => number;
  numbers: readonly DialInNumber[];
  guard?: ProofGuard | undefined;
}

/**
 * The PIN of a room's appointment, for Jitsi's `dialInConfCodeUrl`. Never by
 * room id alone: the caller shows the link's token or the room password, and
 * every wrong one is counted by the same caps as a wrong join (an unknown
 * room and a wrong proof get the same 401), so the endpoint can't be used to
 * walk room ids or passwords.
 */
export class DialInCodes {
  readonly #deps: DialInCodesDeps;

  constructor(deps: DialInCodesDeps) {
    this.#deps = deps;
  }

  async lookup(conference: string, proof: DialInProof, address: string): Promise<JitsiConfCode> {
    const main = defaultDialIn(this.#deps.numbers);
    if (!main) throw new NotFoundError('NOT_FOUND', 'no dial-in on this server');
    if (!proof.token && !proof.password) throw new AuthError('a link token or the room password is required');
    // Jitsi names the room `room@conference.domain`; we take the room id before the @.
    const roomId = conference.split('@')[0] ?? '';
    const check = (): Promise<JitsiConfCode> => this.#check(roomId, proof, main);
    return this.#deps.guard ? this.#deps.guard.guard({ address, target: roomId }, check) : check();
  }

  async #check(roomIdText: string, proof: DialInProof, main: DialInNumber): Promise<JitsiConfCode> {
    const parsed = RoomIdSchema.safeParse(roomIdText);
    if (!parsed.success) throw new NotFoundError('ROOM_NOT_FOUND', 'no such room');
    const roomId = parsed.data;
    const appointment = await this.#deps.store.getAppointmentByRoom(roomId);
    // Ad-hoc rooms have no PIN: said like an unknown room.
    if (!appointment) throw new NotFoundError('ROOM_NOT_FOUND', 'no such room');
    if (!(await this.#proven(roomId, appointment.id, proof))) {
      throw new AppError('WRONG_PASSWORD', 'unknown room or wrong password');
    }
    const status = statusAt(appointment, this.#deps.access, this.#deps.clock());
    if (appointment.status === 'cancelled' || isOver(status)) {
      throw new AppError('APPOINTMENT_OVER', 'this appointment is over: its PIN no longer works');
    }
    const message =
      appointment.locale === 'fr'
        ? `Appelez le ${main.number} et tapez le code ${appointment.pin} suivi de #.`
        : `Call ${main.number} and enter the code ${appointment.pin} followed by #.`;
    return { conference: roomId, id: appointment.pin, message };
  }

  async #proven(roomId: string, appointmentId: string, proof: DialInProof): Promise<boolean> {
    if (proof.token) {
      const claims = this.#deps.tokens.read(proof.token, roomId);
      return claims !== null && claims.appointmentId === appointmentId;
    }
    if (!proof.password) return false;
    const room = await this.#deps.store.getRoom(RoomIdSchema.parse(roomId));
    return room !== null && this.#deps.passwords.matches(proof.password, room.passwordDigest);
  }
}
