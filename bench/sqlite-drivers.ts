/*
 * better-sqlite3 (a native module: node-gyp, a compiler, Node's headers)
 * against Node 24's built-in node:sqlite, on the embedded store's own
 * patterns: a keyed JSON insert, a read by id, and the scheduler's claim (a
 * BEGIN IMMEDIATE transaction with a SELECT and an UPDATE), on a WAL file
 * with synchronous=NORMAL as SqliteStore opens it.
 *
 *   node --import tsx bench/sqlite-drivers.ts
 *
 * Prints operations per second for each driver, interleaved in rounds so
 * that machine noise hits both alike.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const ROWS = 5_000;
const ROUNDS = 5;

interface Driver {
  exec(sql: string): void;
  run(sql: string, ...params: (string | number)[]): void;
  get(sql: string, ...params: (string | number)[]): unknown;
  close(): void;
}

function betterSqlite(file: string): Driver {
  const db = new Database(file);
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  return {
    exec: (sql) => void db.exec(sql),
    run: (sql, ...params) => void prepared(sql).run(...params),
    get: (sql, ...params) => prepared(sql).get(...params),
    close: () => db.close(),
  };
}

function nodeSqlite(file: string): Driver {
  const db = new DatabaseSync(file);
  const cache = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepared = (sql: string): ReturnType<DatabaseSync['prepare']> => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  return {
    exec: (sql) => db.exec(sql),
    run: (sql, ...params) => void prepared(sql).run(...params),
    get: (sql, ...params) => prepared(sql).get(...params),
    close: () => db.close(),
  };
}

function opsPerSecond(count: number, work: () => void): number {
  const started = process.hrtime.bigint();
  work();
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function round(open: (file: string) => Driver): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-sqlite-'));
  const db = open(join(dir, 'store.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec('CREATE TABLE records (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
  db.exec(
    'CREATE TABLE jobs (id TEXT PRIMARY KEY, due INTEGER NOT NULL, lease INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL)',
  );
  const payload = JSON.stringify({
    citizen: { displayName: 'Marie Dupont' },
    note: 'dossier 4521',
    x: 'y'.repeat(400),
  });
  const result = {
    insert: opsPerSecond(ROWS, () => {
      for (let i = 0; i < ROWS; i += 1) {
        db.run('INSERT INTO records (id, data) VALUES (?, ?)', `a${i}`, payload);
        db.run("INSERT INTO jobs (id, due, status) VALUES (?, ?, 'pending')", `j${i}`, i);
      }
    }),
    read: opsPerSecond(ROWS, () => {
      for (let i = 0; i < ROWS; i += 1) db.get('SELECT data FROM records WHERE id = ?', `a${(i * 7) % ROWS}`);
    }),
    claim: opsPerSecond(ROWS, () => {
      for (let i = 0; i < ROWS; i += 1) {
        db.exec('BEGIN IMMEDIATE');
        db.get("SELECT id FROM jobs WHERE id = ? AND status = 'pending' AND lease < ?", `j${i}`, Date.now());
        db.run("UPDATE jobs SET lease = ?, status = 'sending' WHERE id = ?", Date.now() + 60_000, `j${i}`);
        db.exec('COMMIT');
      }
    }),
  };
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const drivers = { 'better-sqlite3': betterSqlite, 'node:sqlite': nodeSqlite } as const;
const totals = new Map<string, Record<string, number[]>>();
for (let r = 0; r < ROUNDS; r += 1) {
  for (const [name, open] of Object.entries(drivers)) {
    const result = round(open);
    const entry = totals.get(name) ?? {};
    for (const [op, value] of Object.entries(result)) (entry[op] ??= []).push(value);
    totals.set(name, entry);
  }
}
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
console.log(`node ${process.version}, ${ROWS} rows, median of ${ROUNDS} interleaved rounds (operations/s)`);
for (const [name, ops] of totals) {
  console.log(
    name.padEnd(15),
    Object.entries(ops)
      .map(([op, values]) => `${op} ${Math.round(median(values))}`)
      .join('  '),
  );
}
