import * as z from 'zod';
import { PeerIdSchema } from './ids.js';

/*
 * How someone proves they may enter a room, whatever brought them in: the
 * room password, a token (one-click link or agent JWT), the dial-in PIN, a
 * resume secret after a dropped connection, or a service (the phone gateway,
 * acting for a caller who typed a PIN).
 */

export const PinSchema = z.string().regex(/^[0-9]{6}$/, 'a 6-digit PIN');

export const ResumeCredentialSchema = z
  .object({ kind: z.literal('resume'), peerId: PeerIdSchema, secret: z.string().min(16).max(64) })
  .strict();
export type ResumeCredential = z.infer<typeof ResumeCredentialSchema>;

export const CredentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('password'), password: z.string().min(1).max(128) }).strict(),
  z.object({ kind: z.literal('token'), token: z.string().min(1).max(4096) }).strict(),
  z.object({ kind: z.literal('pin'), pin: PinSchema }).strict(),
  ResumeCredentialSchema,
  /** The phone gateway: its own token, and the PIN its caller typed. The member is of kind 'phone'. */
  z.object({ kind: z.literal('service'), token: z.string().min(32).max(4096), pin: PinSchema }).strict(),
]);
export type Credential = z.infer<typeof CredentialSchema>;
export type CredentialKind = Credential['kind'];
