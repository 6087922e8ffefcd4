import type { Logger } from 'pino';
import type { PeerId, PeerInfo, ProducerInfo, Role } from '../protocol/index.js';
import type { PeerChannel } from './peer-channel.js';

/** One connected person in a live room. Media objects live in the media plane, keyed by peerId. */
export class Participant {
  readonly peerId: PeerId;
  readonly displayName: string;
  readonly role: Role;
  readonly channel: PeerChannel;
  readonly log: Logger;
  readonly producers = new Map<string, ProducerInfo>();

  constructor(init: { peerId: PeerId; displayName: string; role: Role; channel: PeerChannel; log: Logger }) {
    this.peerId = init.peerId;
    this.displayName = init.displayName;
    this.role = init.role;
    this.channel = init.channel;
    this.log = init.log;
  }

  info(): PeerInfo {
    return {
      peerId: this.peerId,
      displayName: this.displayName,
      role: this.role,
      producers: [...this.producers.values()].map((p) => ({ ...p })),
    };
  }
}
