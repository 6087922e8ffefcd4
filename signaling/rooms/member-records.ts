import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { PeerId, ResumeCredential, RoomId } from '../protocol/index.js';
import type { MemberRecord, RoomStore } from '../store/room-store.js';
import type { Member } from './member.js';

const digestOf = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** Constant-time: a resume secret never tells how much of it was right. */
export function sameSecret(given: string, expected: string): boolean {
  const left = Buffer.from(digestOf(given));
  const right = Buffer.from(digestOf(expected));
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Members as the store keeps them (role, admission, a digest of the resume
 * secret), so that a place outlives this process's copy of it. Writes are
 * best effort: a store outage must not end a call in progress.
 */
export class MemberRecords {
  constructor(
    private readonly store: RoomStore,
    private readonly log: Logger,
  ) {}

  remember(member: Member): void {
    const record: MemberRecord = {
      roomId: member.room.id,
      peerId: member.peerId,
      displayName: member.displayName,
      role: member.role,
      kind: member.kind,
      state: member.state,
      resumeDigest: digestOf(member.resumeSecret),
      appointmentId: member.room.appointmentId,
      updatedAt: Date.now(),
    };
    this.store.saveMember(record).catch((error: unknown) => {
      member.log.warn({ err: error }, 'member record not saved');
    });
  }

  forget(roomId: RoomId, peerId: PeerId): void {
    this.store.deleteMember(roomId, peerId).catch((error: unknown) => {
      this.log.warn({ err: error, roomId }, 'member record not deleted');
    });
  }

  forgetRoom(roomId: RoomId): void {
    this.store.deleteMembers(roomId).catch((error: unknown) => {
      this.log.warn({ err: error, roomId }, 'member records not deleted');
    });
  }

  /** The stored place this resume proves, or null (unknown, wrong secret, store unreadable). */
  async place(roomId: RoomId, resume: ResumeCredential): Promise<MemberRecord | null> {
    const record = await this.store.getMember(roomId, resume.peerId).catch((error: unknown) => {
      this.log.warn({ err: error }, 'member record unreadable; joining afresh');
      return null;
    });
    if (!record) return null;
    const given = Buffer.from(digestOf(resume.secret));
    const stored = Buffer.from(record.resumeDigest);
    return given.length === stored.length && timingSafeEqual(given, stored) ? record : null;
  }
}
