import type { ErrorCode, ServerEventName } from '../../signaling/protocol/index.js';
import type { PeerChannel } from '../../signaling/rooms/peer-channel.js';
import { eventChannel } from '../../signaling/ws/socket-channel.js';

/** A PeerChannel that remembers what it was told, as the protocol events a socket would carry. */
export class RecordingChannel {
  readonly events: { event: ServerEventName; payload: unknown }[] = [];
  kicked: { code: ErrorCode; message: string } | null = null;
  readonly channel: PeerChannel;

  constructor() {
    const base = eventChannel(
      (event, payload) => this.events.push({ event, payload }),
      () => undefined,
    );
    this.channel = {
      ...base,
      kick: (code, message) => {
        this.kicked = { code, message };
      },
    };
  }

  names(): ServerEventName[] {
    return this.events.map((e) => e.event);
  }
}
