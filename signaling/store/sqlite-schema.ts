import type { Database } from 'better-sqlite3';

/*
 * The embedded store's schema, as an append-only list of migrations. The
 * file's `user_version` pragma says how many have run; opening a file runs
 * the rest in one transaction. Never edit a shipped step: add one.
 *
 * Appointments keep the whole record as JSON next to the columns that are
 * searched (so a new field needs no migration); jobs are all columns because
 * claimJob and finishJob change them in place with one UPDATE.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL
  );

  CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL UNIQUE,
    agent_id TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    erased INTEGER NOT NULL,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX appointments_by_start ON appointments (starts_at, id);
  CREATE INDEX appointments_by_agent ON appointments (agent_id, starts_at, id);
  CREATE INDEX appointments_by_status ON appointments (status, starts_at);
  CREATE INDEX appointments_retention ON appointments (erased, ends_at);

  CREATE TABLE pins (
    pin TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL,
    until INTEGER NOT NULL
  );

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    generation INTEGER NOT NULL,
    status TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    sent_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (status, next_attempt_at);
  CREATE INDEX jobs_by_appointment ON jobs (appointment_id, created_at);

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX audit_by_appointment ON audit (appointment_id, id);

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX outbox_by_created ON outbox (created_at, id);
  CREATE INDEX outbox_by_agent ON outbox (agent_id, created_at);
  CREATE INDEX outbox_by_appointment ON outbox (appointment_id, created_at);
  `,
  // Members of live rooms: what another process needs to give a place back.
  `
  CREATE TABLE members (
    room_id TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (room_id, peer_id)
  );
  `,
  // Idempotency-Key of bookings: the key, what it booked, and until when it is remembered.
  `
  CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);
  `,
  // When an attempt handed the message to the relay (see NotificationJob.handedAt).
  `ALTER TABLE jobs ADD COLUMN handed_at INTEGER;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file up to SCHEMA_VERSION; refuses a file written by a newer Guichet. */
export function migrate(db: Database, filename: string): void {
  // BEGIN IMMEDIATE: two processes opening a fresh file must not both migrate it.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true });
    if (typeof current !== 'number') throw new Error(`store: cannot read the schema version of ${filename}`);
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `store: ${filename} has schema version ${current}, newer than this Guichet understands (${SCHEMA_VERSION}); upgrade Guichet or point DATA_DIR elsewhere`,
      );
    }
    for (const step of MIGRATIONS.slice(current)) db.exec(step);
    // A pragma takes no bound parameter; SCHEMA_VERSION is a constant integer.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
