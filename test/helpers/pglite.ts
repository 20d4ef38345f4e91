// An embedded database for one test file: a copy of a template directory (initdb takes 5–7 s; a copy
// opens in ~1 s), made once per machine and PGlite version, and the calls to use it from the test.
// The test's own handle must be closed before a vecfill child process opens the directory (one
// process at a time), so `use` opens, runs and closes.
import { cp, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { useDb } from '../../src/db/open.js';

const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).dependencies['@electric-sql/pglite'] as string;
const TEMPLATE = join(tmpdir(), `vecfill-pglite-template-${VERSION}`);

export interface TestPglite {
  dir: string;
  url: string;
  /** Opens the database, runs fn, closes it. */
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  sql(text: string, params?: unknown[]): Promise<{ rows: Record<string, any>[]; rowCount: number }>;
}

async function template(): Promise<string> {
  if (await stat(join(TEMPLATE, 'PG_VERSION')).catch(() => null)) return TEMPLATE;
  // Made aside and renamed into place: test files started at once never see half a template.
  const fresh = await mkdtemp(`${TEMPLATE}-new-`);
  await useDb(`pglite:${fresh}`, async () => {});
  await rename(fresh, TEMPLATE).catch(() => rm(fresh, { recursive: true, force: true }));
  return TEMPLATE;
}

/** A fresh embedded database (pgvector created), removed after the test. */
export async function pgliteDatabase(t: TestContext): Promise<TestPglite> {
  const parent = await mkdtemp(join(tmpdir(), 'vecfill-pglite-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const dir = join(parent, 'db');
  await cp(await template(), dir, { recursive: true, filter: (src) => !src.endsWith('vecfill.lock') });
  const url = `pglite:${dir}`;
  const use = <T>(fn: (db: Db) => Promise<T>) => useDb(url, fn);
  return { dir, url, use, sql: (text, params) => use((db) => db.query(text, params)) };
}

/** The stored vector of one row, exactly (null if NULL). */
export async function storedVectorIn(db: Db, table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  const { rows } = await db.query(`SELECT vector_send(${column}) AS b FROM ${table} WHERE id = $1`, [String(id)]);
  const b: Buffer | null = rows[0].b;
  if (b === null) return null;
  const out = new Float32Array(b.readInt16BE(0));
  for (let k = 0; k < out.length; k++) out[k] = b.readFloatBE(4 + 4 * k);
  return out;
}
