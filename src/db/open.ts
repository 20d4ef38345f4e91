// open: what a caller hands vecfill as its database, made a Db. A connection string is opened (and
// closed after): `pglite:PATH` the embedded database in that directory, anything else a PostgreSQL
// server; a connected node-postgres client is used as it is (and left open); a Db passes through.
import type pg from 'pg';
import type { Db } from './db.js';
import { isPgliteUrl } from './pglite-url.js';
import { connectPostgres, PostgresDb } from './postgres.js';

/** A connection string (postgres://…, or pglite:PATH), a connected pg client or pool client, or a Db. */
export type DbInput = string | pg.ClientBase | Db;

export function isDb(x: unknown): x is Db {
  return typeof (x as Db)?.copyFrom === 'function' && typeof (x as Db)?.exec === 'function';
}

export async function openDb(input: DbInput, applicationName?: string): Promise<Db> {
  // applicationName names a server session; an embedded database has no other sessions to tell apart.
  if (typeof input === 'string' && isPgliteUrl(input)) {
    const { openPglite } = await import('./pglite.js'); // PGlite loads only when it is used
    return openPglite(input);
  }
  if (typeof input === 'string') return connectPostgres(input, applicationName);
  if (isDb(input)) return input;
  return new PostgresDb(input, false);
}

/** Runs fn with the database, closing it after if it was opened here. */
export async function useDb<T>(input: DbInput, fn: (db: Db) => Promise<T>, applicationName?: string): Promise<T> {
  const db = await openDb(input, applicationName);
  try {
    return await fn(db);
  } finally {
    if (typeof input === 'string') await db.close();
  }
}
