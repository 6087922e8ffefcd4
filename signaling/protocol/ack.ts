import type { ErrorBody } from './errors.js';

/** Every socket request is answered through its ack with exactly one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type AckCallback<T> = (answer: Ack<T>) => void;
