import type { Logger } from 'pino';
import type { PeerId, PeerInfo, PeerState, ProducerInfo, Role } from '../protocol/index.js';
import type { PeerChannel } from './peer-channel.js';

/** One person in a live room. Media objects live in the media plane, keyed by peerId. */
export class Participant {
  readonly peerId: PeerId;
  readonly displayName: string;
  readonly role: Role;
  /** Proves a later `join { resume }` comes from the same person. */
  readonly resumeSecret: string;
  readonly producers = new Map<string, ProducerInfo>();
  state: PeerState;
  channel: PeerChannel;
  log: Logger;
  /** False between a dropped connection and its resume (or the end of the grace period). */
  connected = true;

  constructor(init: {
    peerId: PeerId;
    displayName: string;
    role: Role;
    state: PeerState;
    resumeSecret: string;
    channel: PeerChannel;
    log: Logger;
  }) {
    this.peerId = init.peerId;
    this.displayName = init.displayName;
    this.role = init.role;
    this.state = init.state;
    this.resumeSecret = init.resumeSecret;
    this.channel = init.channel;
    this.log = init.log;
  }

  get isHost(): boolean {
    return this.role === 'host' && this.state === 'admitted';
  }

  info(): PeerInfo {
    return {
      peerId: this.peerId,
      displayName: this.displayName,
      role: this.role,
      state: this.state,
      producers: [...this.producers.values()].map((p) => ({ ...p })),
    };
  }
}
