import { randomBytes } from 'node:crypto';

export const newTag = (): string => randomBytes(6).toString('hex');
/** RFC 3261 §8.1.1.7: every branch starts with the magic cookie. */
export const newBranch = (): string => `z9hG4bK${randomBytes(8).toString('hex')}`;
export const newCallId = (): string => randomBytes(12).toString('hex');
