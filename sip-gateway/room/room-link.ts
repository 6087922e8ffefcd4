/**
 * The gateway's whole view of the room core: a narrow, semantic interface
 * (Galène's group.Client idea), so the gateway is a protocol client like
 * any other and the room may live on any node. The lead binds it to the
 * room core (credential `pin`, participant kind `phone`, a service
 * credential for the gateway itself); tests bind it to a PIN table.
 */

/** Who is calling, as the room may know it: never the full number. */
export interface CallerIdentity {
  /** « •• •• 42 »: what the agent sees in the lobby and the audit trail holds. */
  masked: string;
  /** A keyed hash of the number: stable per caller, not reversible. */
  key: string;
  /** The trunk's address the call came from. */
  trunk: string;
  /** The SIP Call-ID, to correlate logs. */
  callId: string;
}

export type EnterOutcome =
  | { state: 'lobby' | 'admitted'; session: RoomSession }
  | { state: 'too_early'; startsAt: Date; opensAt: Date }
  | { state: 'wrong_pin' }
  | { state: 'ended' }
  | { state: 'cancelled' }
  | { state: 'unavailable' };

export type RoomEvent =
  | { type: 'admitted' }
  | { type: 'refused' }
  | { type: 'muted'; muted: boolean }
  | { type: 'removed' }
  | { type: 'ended' }
  | { type: 'cancelled' };

export interface RoomSession {
  /** The caller's own participant id: the mixer leaves its audio out. */
  readonly participantId: string;
  onEvent(listener: (event: RoomEvent) => void): void;
  /** One 20 ms Opus frame (mono, 48 kHz RTP clock; narrowband content) of the caller's voice. */
  sendAudio(opusFrame: Uint8Array): void;
  /** Every audio source of the room, as 20 ms Opus frames, tagged by participant. */
  onRoomAudio(listener: (sourceId: string, opusFrame: Uint8Array) => void): void;
  /** The caller hung up or was hung up on. Idempotent. */
  leave(): Promise<void>;
}

export interface RoomLink {
  enterWithPin(pin: string, caller: CallerIdentity): Promise<EnterOutcome>;
}
