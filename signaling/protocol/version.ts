/**
 * Wire protocol version. Bump it on any breaking change to a message shape;
 * the server refuses clients that announce another version (close code
 * PROTOCOL_VERSION), so an old cached page never half-works.
 */
export const PROTOCOL_VERSION = 1;
