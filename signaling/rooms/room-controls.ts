import { ForbiddenError, NotFoundError } from '../errors.js';
import type { IdentityMethod, PeerId } from '../protocol/index.js';
import type { Participant } from './participant.js';
import { RateLimit } from './rate-limit.js';
import type { Room } from './room.js';

/*
 * What people do in a room besides media: the host's controls, the lobby
 * preview, the identity mark and chat. Each function checks the actor's
 * role and state first; a guest's raw message can't do a host's job.
 */

const limits = new WeakMap<Participant, { chat: RateLimit; preview: RateLimit }>();
function limitsOf(participant: Participant): { chat: RateLimit; preview: RateLimit } {
  let found = limits.get(participant);
  if (!found) {
    // Chat: 5 at once, one a second after. Preview: a still every half second at most.
    found = { chat: new RateLimit(5, 1), preview: new RateLimit(2, 2) };
    limits.set(participant, found);
  }
  return found;
}

/** A guest of this room, other than the actor (hosts can't act on hosts). */
function guest(room: Room, peerId: PeerId): Participant {
  const target = room.participant(peerId);
  if (!target) throw new NotFoundError('NOT_FOUND', 'no such participant');
  if (target.role === 'host') throw new ForbiddenError('hosts cannot act on another host');
  return target;
}

export function admit(room: Room, hostId: PeerId, guestId: PeerId): void {
  room.host(hostId);
  const target = guest(room, guestId);
  if (target.state !== 'lobby') return; // Already in (two hosts clicking at once): nothing to do.
  room.admit(target);
  room.audit('admitted', 'host', { peerId: guestId, by: hostId });
}

export function refuse(room: Room, hostId: PeerId, guestId: PeerId, reason: string | undefined): Participant {
  room.host(hostId);
  const target = guest(room, guestId);
  if (target.state !== 'lobby')
    throw new ForbiddenError('only someone in the lobby can be refused; remove them instead');
  room.audit('refused', 'host', { peerId: guestId, by: hostId });
  // The message is the host's own words, or empty: the client says it in the guest's language.
  target.channel.kick('REFUSED', reason ?? '');
  return target;
}

export function removePeer(
  room: Room,
  hostId: PeerId,
  guestId: PeerId,
  reason: string | undefined,
): Participant {
  room.host(hostId);
  const target = guest(room, guestId);
  room.audit('removed', 'host', { peerId: guestId, by: hostId });
  target.channel.kick('REMOVED', reason ?? '');
  return target;
}

export async function mutePeer(room: Room, hostId: PeerId, targetId: PeerId): Promise<void> {
  room.host(hostId);
  const target = room.admitted(targetId);
  for (const producer of target.producers.values()) {
    if (producer.kind !== 'audio' || producer.paused) continue;
    await room.media.setProducerPaused(targetId, producer.producerId, true);
    producer.paused = true;
    room.broadcast('peerMuted', { peerId: targetId, producerId: producer.producerId });
    room.broadcast('producerPaused', { peerId: targetId, producerId: producer.producerId }, targetId);
  }
}

export function lockRoom(room: Room, hostId: PeerId, locked: boolean): void {
  room.host(hostId);
  room.locked = locked;
  room.broadcast('roomLocked', { locked });
  room.audit(locked ? 'locked' : 'unlocked', 'host', { by: hostId });
}

export function requestDocument(room: Room, hostId: PeerId, guestId: PeerId): void {
  room.host(hostId);
  guest(room, guestId).channel.notify('documentRequested', {});
}

export function verifyIdentity(room: Room, hostId: PeerId, guestId: PeerId, method: IdentityMethod): void {
  room.host(hostId);
  guest(room, guestId);
  // Who, when and how; never an image, never the note (it could hold personal data).
  room.audit('identity-verified', 'host', { peerId: guestId, by: hostId, method });
  room.toHosts('identityVerified', { peerId: guestId, method, by: hostId });
}

export function lobbyPreview(room: Room, peerId: PeerId, image: string): void {
  const participant = room.member(peerId);
  if (participant.state !== 'lobby') throw new ForbiddenError('previews are for the lobby');
  limitsOf(participant).preview.take('previews');
  room.toHosts('lobbyPreview', { peerId, image });
}

export function chat(room: Room, peerId: PeerId, text: string): string {
  const participant = room.admitted(peerId);
  limitsOf(participant).chat.take('messages');
  const at = new Date().toISOString();
  room.broadcast('chatMessage', { peerId, displayName: participant.displayName, text, at }, peerId);
  return at;
}
