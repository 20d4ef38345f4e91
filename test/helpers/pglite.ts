// An embedded database for one test, copied from the suite's template (pglite-template.ts), and the
// calls to use it from the test.
// The test's own handle must be closed before a vecfill child process opens the directory (one
// process at a time), so `use` opens, runs and closes.
import type { TestContext } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { useDb } from '../../src/db/open.js';
import { storedVectorVia } from './db.js';
import { freshPgliteDirectory } from './pglite-template.js';

export interface TestPglite {
  dir: string;
  url: string;
  /** Opens the database, runs fn, closes it. */
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  sql(text: string, params?: unknown[]): Promise<{ rows: Record<string, any>[]; rowCount: number }>;
}

/** A fresh embedded database (pgvector created), removed after the test. */
export async function pgliteDatabase(t: TestContext): Promise<TestPglite> {
  const fresh = await freshPgliteDirectory();
  t.after(() => fresh.remove());
  const url = `pglite:${fresh.dir}`;
  const use = <T>(fn: (db: Db) => Promise<T>) => useDb(url, fn);
  return { dir: fresh.dir, url, use, sql: (text, params) => use((db) => db.query(text, params)) };
}

/** The stored vector of one row, exactly (null if NULL). */
export function storedVectorIn(db: Db, table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  return storedVectorVia((text, params) => db.query(text, params), table, id, column);
}
