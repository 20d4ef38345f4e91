// Test helpers for the database: a real one (never a mock), one table per test. PostgreSQL when
// DATABASE_URL is set (the runner gives each shard a database of its own), else the embedded database
// (PGlite) in a directory of this process's own. Either way one handle per process, shared by the
// test files it runs one after another (test/runner/shard.ts), through vecfill's own database
// interface, opened on first use and closed when the process's tests are done.
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Db, QueryResult } from '../../src/db/db.js';
import { openDb, type DbInput } from '../../src/db/open.js';
import type { PgliteDb } from '../../src/db/pglite.js';
import { SERVER_URL } from './database-kind.js';
import { freshPgliteDirectory } from './pglite-template.js';

export { ON_PGLITE, serverOnly } from './database-kind.js';

const pglite = SERVER_URL === undefined ? await freshPgliteDirectory() : undefined;

/** What the CLI's --db and the library's `db` take for this process's database. */
export const DB_URL = SERVER_URL ?? `pglite:${pglite!.dir}`;

let handle: Promise<Db> | undefined;

// Registered as the file loads, so it runs once all of the file's tests are done (a hook added
// during a test would belong to that test).
after(async () => {
  await (await handle?.catch(() => undefined))?.close();
  await pglite?.remove();
});

/** This file's database handle. On a server, the suite sets up what it needs itself: a fresh
 *  database without pgvector passes too. */
export function testDb(): Promise<Db> {
  handle ??= (async () => {
    const db = await openDb(DB_URL, 'vecfill-test');
    await ensureVector(db);
    return db;
  })();
  return handle;
}

/** CREATE EXTENSION vector, unless there (two files starting at once may both try). */
export async function ensureVector(db: Db): Promise<void> {
  const there = async () => (await db.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).rows.length > 0;
  if (await there()) return;
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector').catch(async (err) => {
    if (!(await there())) throw err;
  });
}

/**
 * Closes this process's handle (the next call opens it again), for a child process that must open the
 * embedded database itself: only one process at a time may. `forUid` makes the directory that user's
 * (a child running as another user). On a server, nothing to do.
 */
export async function releaseDb(forUid?: { uid: number; gid: number }): Promise<void> {
  if (!pglite) return;
  const db = await handle?.catch(() => undefined);
  handle = undefined;
  await db?.close();
  if (forUid) await pglite.giveTo(forUid.uid, forUid.gid);
}

/**
 * The embedded database's one session, beneath vecfill's handles (undefined on a server). Through
 * sql(), a statement waits while a transaction holds the database; sent here it runs at once, inside
 * that transaction: for a test to look at an ingest under way (a counter, whether a transaction is
 * open), never to change anything.
 */
export async function embeddedSession(): Promise<PGlite | undefined> {
  if (!pglite) return undefined;
  return ((await testDb()) as PgliteDb).pglite;
}

/** A connection the caller opened and hands to the library, which must leave it open: a connected
 *  pg.Client on a server, a Db handle of the caller's own on the embedded database. */
export interface CallersConnection {
  input: DbInput;
  query(text: string): Promise<{ rows: any[] }>;
  close(): Promise<void>;
}

export async function callersConnection(): Promise<CallersConnection> {
  if (!SERVER_URL) {
    const db = await openDb(DB_URL);
    return { input: db, query: (text) => db.query(text), close: () => db.close() };
  }
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  return { input: client, query: (text) => client.query(text), close: () => client.end() };
}

export async function withClient<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  return fn(await testDb());
}

export async function sql(text: string, params: unknown[] = []): Promise<QueryResult<any>> {
  return (await testDb()).query(text, params);
}

/** A fresh table name (unquoted, lower case) for one test; drop it with dropTable. */
export function tableName(prefix = 't'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Creates `name (id <idType> primary key, embedding <vectorType>)` with the given ids. */
export async function createTable(name: string, ids: (number | string)[], vectorType = 'vector(3)', idType = 'bigint'): Promise<void> {
  await sql(`CREATE TABLE ${name} (id ${idType} PRIMARY KEY, body text, embedding ${vectorType})`);
  if (ids.length) await sql(`INSERT INTO ${name} (id) SELECT unnest($1::text[])::${idType}`, [ids.map(String)]);
}

export async function dropTable(name: string): Promise<void> {
  await sql(`DROP TABLE IF EXISTS ${name}`);
}

type Run = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, any>[] }>;

/** The stored vector of one row, exactly: vector_send's big-endian float32 values (null if NULL). */
export function storedVector(table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  return storedVectorVia(sql, table, id, column);
}

/** storedVector, through a database handle of the caller's. */
export async function storedVectorVia(run: Run, table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  const { rows } = await run(`SELECT vector_send(${column}) AS b FROM ${table} WHERE id = $1`, [String(id)]);
  if (rows.length === 0) throw new Error(`no row ${id} in ${table}`);
  const b: Buffer | null = rows[0].b;
  if (b === null) return null;
  const dims = b.readInt16BE(0);
  const out = new Float32Array(dims);
  for (let k = 0; k < dims; k++) out[k] = b.readFloatBE(4 + 4 * k);
  return out;
}

/** All rows as id → embedding text (pgvector's text form), for "nothing changed" comparisons. */
export async function snapshot(table: string, column = 'embedding'): Promise<Map<string, string | null>> {
  const { rows } = await sql(`SELECT id::text AS id, ${column}::text AS v FROM ${table} ORDER BY id`);
  return new Map(rows.map((r) => [r.id as string, r.v as string | null]));
}

/** One value that changes when any row of the table changes, for "nothing changed" on large tables. */
export async function tableDigest(table: string, column = 'embedding', run = sql): Promise<string> {
  const { rows } = await run(`SELECT md5(coalesce(string_agg(id::text || '=' || coalesce(${column}::text, 'null'), ',' ORDER BY id), '')) AS d FROM ${table}`);
  return rows[0].d as string;
}

export interface UpdateCounter {
  /** The UPDATEs so far. On the embedded database this waits for a transaction under way to end. */
  count(): Promise<number>;
  /** The UPDATEs so far, while an ingest's transaction is under way: from another session on a
   *  server, from inside the one session on the embedded database (embeddedSession). Only for the
   *  file's own database. */
  now(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * Counts the UPDATE statements started on the table, including those of a transaction that never
 * commits (a sequence is not transactional): how a test knows that an ingest had applied segments
 * before it was stopped. A statement trigger, so it costs nothing per row. Returns the counter and
 * its cleanup (the table's own drop takes the trigger).
 */
export async function countUpdates(table: string, run = sql): Promise<UpdateCounter> {
  await run(`CREATE SEQUENCE ${table}_updates`);
  await run(`CREATE FUNCTION ${table}_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM nextval('${table}_updates'); RETURN NULL; END $$`);
  await run(`CREATE TRIGGER count_updates BEFORE UPDATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_update()`);
  const read = `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${table}_updates`;
  const count = async () => Number((await run(read)).rows[0].n);
  return {
    count,
    now: async () => {
      const session = await embeddedSession();
      return session ? Number((await session.query<{ n: string }>(read)).rows[0].n) : count();
    },
    drop: async () => {
      await run(`DROP FUNCTION IF EXISTS ${table}_count_update() CASCADE`);
      await run(`DROP SEQUENCE IF EXISTS ${table}_updates`);
    },
  };
}

/** Polls until `ok` holds; fails the test, saying what it waited for, after timeoutMs. */
export async function until(ok: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
