import type { Redis } from 'ioredis';
import {
  AccountRecordSchema,
  LoginStateSchema,
  SessionRecordSchema,
  parseStoredRecord,
  type AccountRecord,
  type AccountStore,
  type LoginState,
  type SessionRecord,
} from './account-store.js';

/*
 * Swaps the agent's feed token in one step: the old digest stops working
 * the moment the new one is recorded (or none, to revoke).
 * KEYS[1] = feed-of:<agent>; ARGV[1] = key prefix, ARGV[2] = agent, ARGV[3] = new digest or ''.
 */
const SET_FEED_TOKEN = `
local old = redis.call('GET', KEYS[1])
if old then redis.call('DEL', ARGV[1] .. 'feed:' .. old) end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3])
  redis.call('SET', ARGV[1] .. 'feed:' .. ARGV[3], ARGV[2])
end
return 1
`;

const LOGIN_KEEP_MS = 30 * 60_000;

/** Sessions and sign-in states expire by themselves (PX); an account keeps the set of its sessions. */
export class RedisAccountStore implements AccountStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ownsClient: boolean;

  /** `ownsClient`: close() quits the client (the factory made it for this store). */
  constructor(redis: Redis, keyPrefix: string, ownsClient = false) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
    this.#ownsClient = ownsClient;
  }

  #key(...parts: string[]): string {
    return `${this.#prefix}${parts.join(':')}`;
  }

  async putAccount(record: AccountRecord): Promise<void> {
    const valid = AccountRecordSchema.parse(record);
    await this.#redis
      .multi()
      .set(this.#key('account', valid.id), JSON.stringify(valid))
      .sadd(this.#key('accounts'), valid.id)
      .exec();
  }

  async getAccount(id: string): Promise<AccountRecord | null> {
    const raw = await this.#redis.get(this.#key('account', id));
    return raw === null ? null : parseStoredRecord(AccountRecordSchema, raw, 'account');
  }

  async listAccounts(): Promise<AccountRecord[]> {
    const ids = (await this.#redis.smembers(this.#key('accounts'))).sort();
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map((id) => this.#key('account', id)));
    return raws.flatMap((raw) =>
      raw === null ? [] : [parseStoredRecord(AccountRecordSchema, raw, 'account')],
    );
  }

  async deleteAccount(id: string): Promise<boolean> {
    const sessions = await this.#redis.smembers(this.#key('agent-sessions', id));
    await this.setFeedToken(id, null);
    const results = await this.#redis
      .multi()
      .del(this.#key('account', id))
      .srem(this.#key('accounts'), id)
      .del(this.#key('agent-sessions', id), ...sessions.map((digest) => this.#key('session', digest)))
      .exec();
    return results?.[0]?.[1] === 1;
  }

  async createSession(session: SessionRecord): Promise<void> {
    const valid = SessionRecordSchema.parse(session);
    const index = this.#key('agent-sessions', valid.agentId);
    // A lifetime, not a date: the records' times come from the server's (injectable) clock, Redis keeps its own.
    const ttl = Math.max(1, valid.expiresAt - valid.createdAt);
    await this.#redis
      .multi()
      .set(this.#key('session', valid.digest), JSON.stringify(valid), 'PX', ttl)
      .sadd(index, valid.digest)
      // The index lives as long as the longest session in it.
      .pexpire(index, ttl, 'GT')
      .pexpire(index, ttl, 'NX')
      .exec();
  }

  async getSession(digest: string, now: number): Promise<SessionRecord | null> {
    const raw = await this.#redis.get(this.#key('session', digest));
    if (raw === null) return null;
    const session = parseStoredRecord(SessionRecordSchema, raw, 'session');
    return session.expiresAt > now ? session : null;
  }

  async deleteSession(digest: string): Promise<void> {
    const raw = await this.#redis.getdel(this.#key('session', digest));
    if (raw === null) return;
    const session = parseStoredRecord(SessionRecordSchema, raw, 'session');
    await this.#redis.srem(this.#key('agent-sessions', session.agentId), digest);
  }

  async putLoginState(login: LoginState): Promise<void> {
    const valid = LoginStateSchema.parse(login);
    // Redis forgets it a while after any sign-in could still finish; expiresAt is checked on take.
    await this.#redis.set(this.#key('login', valid.state), JSON.stringify(valid), 'PX', LOGIN_KEEP_MS);
  }

  async takeLoginState(state: string, now: number): Promise<LoginState | null> {
    const raw = await this.#redis.getdel(this.#key('login', state));
    if (raw === null) return null;
    const login = parseStoredRecord(LoginStateSchema, raw, 'login state');
    return login.expiresAt > now ? login : null;
  }

  async setFeedToken(agentId: string, digest: string | null): Promise<void> {
    await this.#redis.eval(
      SET_FEED_TOKEN,
      1,
      this.#key('feed-of', agentId),
      this.#prefix,
      agentId,
      digest ?? '',
    );
  }

  async feedAgent(digest: string): Promise<string | null> {
    return this.#redis.get(this.#key('feed', digest));
  }

  async hasFeedToken(agentId: string): Promise<boolean> {
    return (await this.#redis.exists(this.#key('feed-of', agentId))) === 1;
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.#redis.quit().catch(() => undefined);
  }
}
