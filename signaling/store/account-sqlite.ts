import Database from 'better-sqlite3';
import { z } from 'zod';
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

const RecordRow = z.object({ record: z.string() });
const AgentRow = z.object({ agent_id: z.string() });

/*
 * Its own file beside guichet.sqlite (accounts.sqlite), so its schema never
 * interleaves with the main store's migrations. Each table keeps the record
 * as JSON next to the columns searched or expired by.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, record TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, agent_id TEXT NOT NULL, expires_at INTEGER NOT NULL, record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS sessions_by_agent ON sessions (agent_id);
  CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
  CREATE TABLE IF NOT EXISTS login_states (
    state TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, record TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS feed_tokens (agent_id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE);
`;

export const ACCOUNTS_SQLITE_FILENAME = 'accounts.sqlite';

/** The embedded AccountStore (SQLite, WAL; several processes may share the file). */
export class SqliteAccountStore implements AccountStore {
  readonly #db: Database.Database;

  static open(filename: string): SqliteAccountStore {
    return new SqliteAccountStore(filename);
  }

  private constructor(filename: string) {
    this.#db = new Database(filename);
    try {
      this.#db.pragma('busy_timeout = 5000');
      this.#db.pragma('journal_mode = WAL');
      this.#db.exec(SCHEMA);
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  async putAccount(record: AccountRecord): Promise<void> {
    const valid = AccountRecordSchema.parse(record);
    this.#db
      .prepare(
        'INSERT INTO accounts (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      )
      .run(valid.id, JSON.stringify(valid));
  }

  async getAccount(id: string): Promise<AccountRecord | null> {
    const row = RecordRow.optional().parse(
      this.#db.prepare('SELECT record FROM accounts WHERE id = ?').get(id),
    );
    return row ? parseStoredRecord(AccountRecordSchema, row.record, 'account') : null;
  }

  async listAccounts(): Promise<AccountRecord[]> {
    const rows = z.array(RecordRow).parse(this.#db.prepare('SELECT record FROM accounts ORDER BY id').all());
    return rows.map((row) => parseStoredRecord(AccountRecordSchema, row.record, 'account'));
  }

  async deleteAccount(id: string): Promise<boolean> {
    const remove = this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM sessions WHERE agent_id = ?').run(id);
      this.#db.prepare('DELETE FROM feed_tokens WHERE agent_id = ?').run(id);
      return this.#db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0;
    });
    return remove.immediate();
  }

  async createSession(session: SessionRecord): Promise<void> {
    const valid = SessionRecordSchema.parse(session);
    // Expired sessions go when new ones come: no timer needed.
    this.#db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(valid.createdAt);
    this.#db
      .prepare('INSERT INTO sessions (digest, agent_id, expires_at, record) VALUES (?, ?, ?, ?)')
      .run(valid.digest, valid.agentId, valid.expiresAt, JSON.stringify(valid));
  }

  async getSession(digest: string, now: number): Promise<SessionRecord | null> {
    const row = RecordRow.optional().parse(
      this.#db.prepare('SELECT record FROM sessions WHERE digest = ? AND expires_at > ?').get(digest, now),
    );
    return row ? parseStoredRecord(SessionRecordSchema, row.record, 'session') : null;
  }

  async deleteSession(digest: string): Promise<void> {
    this.#db.prepare('DELETE FROM sessions WHERE digest = ?').run(digest);
  }

  async putLoginState(login: LoginState): Promise<void> {
    const valid = LoginStateSchema.parse(login);
    this.#db.prepare('DELETE FROM login_states WHERE expires_at <= ?').run(Date.now());
    this.#db
      .prepare('INSERT INTO login_states (state, expires_at, record) VALUES (?, ?, ?)')
      .run(valid.state, valid.expiresAt, JSON.stringify(valid));
  }

  async takeLoginState(state: string, now: number): Promise<LoginState | null> {
    // DELETE … RETURNING: one statement, so two callbacks racing with the same state get it once.
    const row = RecordRow.optional().parse(
      this.#db.prepare('DELETE FROM login_states WHERE state = ? RETURNING record, expires_at').get(state),
    );
    if (!row) return null;
    const login = parseStoredRecord(LoginStateSchema, row.record, 'login state');
    return login.expiresAt > now ? login : null;
  }

  async setFeedToken(agentId: string, digest: string | null): Promise<void> {
    if (digest === null) {
      this.#db.prepare('DELETE FROM feed_tokens WHERE agent_id = ?').run(agentId);
      return;
    }
    this.#db
      .prepare(
        'INSERT INTO feed_tokens (agent_id, digest) VALUES (?, ?) ON CONFLICT (agent_id) DO UPDATE SET digest = excluded.digest',
      )
      .run(agentId, digest);
  }

  async feedAgent(digest: string): Promise<string | null> {
    const row = AgentRow.optional().parse(
      this.#db.prepare('SELECT agent_id FROM feed_tokens WHERE digest = ?').get(digest),
    );
    return row?.agent_id ?? null;
  }

  async hasFeedToken(agentId: string): Promise<boolean> {
    return this.#db.prepare('SELECT 1 FROM feed_tokens WHERE agent_id = ?').get(agentId) !== undefined;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
