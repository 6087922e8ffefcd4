import type { ErrorCode, ServerEventName, ServerEvents } from '../../signaling/protocol/index.js';
import type { PeerChannel } from '../../signaling/rooms/peer-channel.js';

/** A PeerChannel that remembers what it was told. */
export class RecordingChannel implements PeerChannel {
  readonly events: { event: ServerEventName; payload: unknown }[] = [];
  kicked: { code: ErrorCode; message: string } | null = null;

  notify<E extends ServerEventName>(event: E, payload: ServerEvents[E]): void {
    this.events.push({ event, payload });
  }

  kick(code: ErrorCode, message: string): void {
    this.kicked = { code, message };
  }

  names(): ServerEventName[] {
    return this.events.map((e) => e.event);
  }
}
