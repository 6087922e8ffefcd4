/**
 * The wire protocol, shared verbatim by the server and the browser client.
 * LEAF module: imports zod only; no Node or DOM APIs.
 */
export * from './ack.js';
export * from './credentials.js';
export * from './dial-in.js';
export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './messages.js';
export * from './peers.js';
export * from './results.js';
export * from './rest.js';
export * from './room-control.js';
export * from './rtp.js';
export * from './version.js';
export * from './appointments.js';
