/**
 * What an appointment room tells its appointment as the meeting goes: the
 * rooms domain knows nothing of appointments beyond this. Implemented by
 * signaling/appointments/appointment-state; each call is best effort.
 */
export interface AppointmentProgress {
  /** Someone entered the room (the agent, or the citizen knocking). */
  opened(appointmentId: string): void;
  /** A guest was admitted: the meeting is under way. */
  inProgress(appointmentId: string): void;
  /** The meeting was ended for all. */
  ended(appointmentId: string): void;
}
