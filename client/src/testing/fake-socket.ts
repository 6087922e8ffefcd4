import type { SignalingSocket } from '../protocol-client.js';

/** Returned by a FakeSocket's answer function for a request the "server" ignores. */
export const NO_ANSWER = Symbol('no answer');

type Answer = (event: string, payload: unknown) => unknown;

/**
 * An in-memory socket.io client socket for unit tests: requests go to an
 * answer function (the fake server), `fire` plays server events.
 */
export class FakeSocket implements SignalingSocket {
  readonly sent: { event: string; payload: unknown }[] = [];
  disconnected = false;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly answer: Answer = () => NO_ANSWER) {}

  on(event: string, listener: (payload: unknown) => void): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(event: string, listener: (payload: unknown) => void): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  disconnect(): this {
    this.disconnected = true;
    return this;
  }

  emit(event: string, payload: unknown, ack: (answer: unknown) => void): this {
    this.sent.push({ event, payload });
    const reply = this.answer(event, payload);
    // Acks arrive asynchronously, as they do over a network.
    if (reply !== NO_ANSWER) setTimeout(() => ack(reply), 0);
    return this;
  }

  /** Plays a server → client event (or a socket.io reserved one: connect, disconnect...). */
  fire(event: string, payload?: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload);
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  requests(event: string): unknown[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload);
  }
}
