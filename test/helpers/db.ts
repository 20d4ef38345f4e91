// Test helpers for the database: a real PostgreSQL with pgvector (never a mock), one table per test.
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const DB_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  return withClient((c) => c.query(text, params));
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

/** The stored vector of one row, exactly: vector_send's big-endian float32 values (null if NULL). */
export async function storedVector(table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  const { rows } = await sql(`SELECT vector_send(${column}) AS b FROM ${table} WHERE id = $1`, [String(id)]);
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
