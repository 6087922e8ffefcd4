import { z } from 'zod';

/*
 * What the agent console keeps: local agent accounts (the embedded default,
 * without an identity provider), server-side sessions, the short-lived state
 * of an OpenID Connect sign-in, and each agent's calendar-feed token. Two
 * implementations (account-sqlite.ts, account-redis.ts), one contract test.
 *
 * Session ids and feed tokens are stored as SHA-256 digests only: whoever
 * reads the store cannot replay a cookie or a feed URL.
 */

export const AgentRoleSchema = z.enum(['agent', 'admin']);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

export const AccountRecordSchema = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
  role: AgentRoleSchema,
  /** `scrypt$N$r$p$salt$hash` (signaling/auth/password-hash.ts). */
  passwordHash: z.string().min(1),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type AccountRecord = z.infer<typeof AccountRecordSchema>;

export const SessionRecordSchema = z.object({
  /** SHA-256 (hex) of the cookie value. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  agentId: z.string().min(1).max(128),
  agentName: z.string().min(1).max(128),
  role: AgentRoleSchema,
  /** How the agent signed in. */
  via: z.enum(['local', 'oidc']),
  /** The double-submit token the console sends back on every change. */
  csrfToken: z.string().min(32),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

/** An OpenID Connect sign-in between the redirect to the provider and its callback. */
export const LoginStateSchema = z.object({
  state: z.string().min(16).max(256),
  codeVerifier: z.string().min(43).max(128),
  nonce: z.string().min(16).max(256),
  expiresAt: z.number().int(),
});
export type LoginState = z.infer<typeof LoginStateSchema>;

export interface AccountStore {
  /** Creates or replaces the account with this id. */
  putAccount(record: AccountRecord): Promise<void>;
  getAccount(id: string): Promise<AccountRecord | null>;
  /** Ordered by id. */
  listAccounts(): Promise<AccountRecord[]>;
  /** Returns whether it existed. Its sessions end with it. */
  deleteAccount(id: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  /** The session, if it exists and `now` < expiresAt. */
  getSession(digest: string, now: number): Promise<SessionRecord | null>;
  deleteSession(digest: string): Promise<void>;

  putLoginState(login: LoginState): Promise<void>;
  /** Returns and deletes it (one use), if not expired at `now`. */
  takeLoginState(state: string, now: number): Promise<LoginState | null>;

  /** Sets the agent's feed token digest (replacing, so revoking, the previous one); null revokes. */
  setFeedToken(agentId: string, digest: string | null): Promise<void>;
  /** The agent a feed token digest belongs to, if it is the current one. */
  feedAgent(digest: string): Promise<string | null>;
  hasFeedToken(agentId: string): Promise<boolean>;

  close(): Promise<void>;
}

/** Stored data is parsed like wire data: a hand-edited or corrupt row is an error, never a cast. */
export function parseStoredRecord<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  const parsed = schema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`corrupt ${what} in the account store`);
  return parsed.data;
}
