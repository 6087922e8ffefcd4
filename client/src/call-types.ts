import type {
  ErrorCode,
  MediaKind,
  MediaSource,
  ParticipantKind,
  PeerId,
  Role,
  RoomClosedReason,
  RoomId,
} from '../../signaling/protocol/index.js';
import { GuichetError } from './errors.js';

/** What a call needs from the join form. */
export interface JoinParams {
  roomId: RoomId;
  displayName: string;
  password: string;
  /** From a one-click link (`?t=`): used instead of the password. */
  token?: string | undefined;
  /** Coming back after a dropped connection: the server gives back the same place. */
  resume?: ResumeToken | undefined;
}

/** What `join { resume }` needs; kept from the last join answer. */
export interface ResumeToken {
  peerId: PeerId;
  secret: string;
}

export interface RemotePeer {
  peerId: PeerId;
  displayName: string;
  role: Role;
  /** 'phone': a caller through the SIP gateway (sound only, a masked number for a name). */
  kind: ParticipantKind;
}

/** One remote track, ready to attach to a media element. */
export interface RemoteMedia {
  peerId: string;
  consumerId: string;
  kind: MediaKind;
  source: MediaSource;
  track: MediaStreamTrack;
  paused: boolean;
}

/** Why a call stopped after it had started. */
export type CallEnd =
  | { kind: 'left' }
  | { kind: 'roomClosed'; reason: RoomClosedReason; startsAt?: string | undefined }
  | { kind: 'reconnect'; afterMs: number }
  /** `message`: the host's reason for a refusal or a removal, when they gave one. */
  | { kind: 'kicked'; code: ErrorCode; message?: string }
  | { kind: 'disconnected' };

/** The UI's side of a call. Calls arrive in server order, one at a time. */
export interface CallListener {
  onPeerJoined(peer: RemotePeer): void;
  onPeerLeft(peerId: string): void;
  onMediaAdded(media: RemoteMedia): void;
  onMediaRemoved(peerId: string, consumerId: string): void;
  onMediaPaused(peerId: string, consumerId: string, paused: boolean): void;
  onActiveSpeaker(peerId: string | null): void;
  /** The join answer put us in the lobby: join() resolves once a host admits us. */
  onLobby(): void;
  /** A host muted our microphone. */
  onSelfMuted(): void;
  /** Called at most once, and only for a call whose join() resolved. */
  onEnded(end: CallEnd): void;
  /** Something failed without ending the call (one consumer, one producer). */
  onWarning(error: unknown): void;
}

/** A call that ends while still joining makes join() reject with this instead. */
export function errorForEarlyEnd(end: CallEnd): GuichetError {
  switch (end.kind) {
    case 'kicked':
      return new GuichetError(end.code, 'kicked while joining', { reason: end.message });
    case 'roomClosed':
      return new GuichetError('ROOM_CLOSED', `room closed while joining (${end.reason})`, {
        closedReason: end.reason,
      });
    case 'reconnect':
      return new GuichetError('SHUTTING_DOWN', 'server going down while joining');
    case 'disconnected':
    case 'left':
      return new GuichetError('NETWORK', 'disconnected while joining');
  }
}
