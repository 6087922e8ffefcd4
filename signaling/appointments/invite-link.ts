import type { RoomId } from '../protocol/index.js';
import type { Store } from '../store/store.js';
import type { AppointmentLinks } from './links.js';

/**
 * The link a host hands to another guest. Appointment rooms: the one-click
 * link (valid in the same window); guests knock and are admitted one by one.
 * Ad-hoc rooms: the room's address, and the guest types the password.
 */
export function inviteLinks(deps: { store: Store; links: AppointmentLinks; publicUrl: () => string }) {
  return async (roomId: RoomId): Promise<{ link: string; needsPassword: boolean }> => {
    const appointment = await deps.store.getAppointmentByRoom(roomId);
    return appointment
      ? { link: deps.links.citizen(appointment), needsPassword: false }
      : { link: `${deps.publicUrl()}/r/${roomId}`, needsPassword: true };
  };
}
