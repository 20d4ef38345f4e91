// An embedded database for one test, copied from the suite's template (pglite-template.ts), and the
// calls to use it from the test. The test keeps one handle open from its first call to its end: an
// open costs PGlite's start (~1 s), and within the process every open shares that one instance (the
// CLI, run in this process, too). `release()` gives it up before a vecfill child process opens the
// directory (one process at a time) or to see the directory freed.
import type { TestContext } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { openDb } from '../../src/db/open.js';
import { storedVectorVia } from './db.js';
import { freshPgliteDirectory } from './pglite-template.js';

export interface TestPglite {
  dir: string;
  url: string;
  /** Runs fn with the test's handle (opened on first use). */
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  sql(text: string, params?: unknown[]): Promise<{ rows: Record<string, any>[]; rowCount: number }>;
  /** Closes the test's handle; the next call opens it again. */
  release(): Promise<void>;
}

/** A fresh embedded database (pgvector created), removed after the test. */
export async function pgliteDatabase(t: TestContext): Promise<TestPglite> {
  const fresh = await freshPgliteDirectory();
  const url = `pglite:${fresh.dir}`;
  let handle: Promise<Db> | undefined;
  const release = async () => {
    const db = await handle?.catch(() => undefined);
    handle = undefined;
    await db?.close();
  };
  t.after(async () => {
    await release();
    await fresh.remove();
  });
  const use = async <T>(fn: (db: Db) => Promise<T>) => fn(await (handle ??= openDb(url)));
  return { dir: fresh.dir, url, use, sql: (text, params) => use((db) => db.query(text, params)), release };
}

/** The stored vector of one row, exactly (null if NULL). */
export function storedVectorIn(db: Db, table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  return storedVectorVia((text, params) => db.query(text, params), table, id, column);
}
