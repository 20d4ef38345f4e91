// Helpers for the batch commands' tests (prepare, submit, status, cancel, ingest --batch): a fresh
// database per test (the ledger lives in schema vecfill, so tests must not see each other's batches),
// the fake OpenAI server, and the environment that points the CLI at both.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { QueryResult } from '../../src/db/db.js';
import { DB_URL, ON_PGLITE, ensureVector, sql as fileSql, storedVectorVia, testDb } from './db.js';
import { startOpenAIServer, type OpenAIServer, type OpenAIServerOptions } from './openai-server.js';
import { run, runChild, type TimedResult } from './run.js';

/** A key that must never show up anywhere vecfill writes. */
export const API_KEY = 'sk-test-VECFILL-secret-0123456789';

export interface TestDb {
  url: string;
  sql(text: string, params?: unknown[]): Promise<QueryResult<any>>;
}

/** A new database with pgvector: on a server one dropped after the test; on the embedded database,
 *  the process's own, emptied (its directory is this process's alone, and its tests run one at a time). */
export async function freshDatabase(t: TestContext): Promise<TestDb> {
  if (ON_PGLITE) {
    await emptied();
    return { url: DB_URL, sql: fileSql };
  }
  const name = `vecfill_${randomBytes(5).toString('hex')}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: DB_URL });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(DB_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  // One session for the test's own queries (a session a query cost the server a backend each, and
  // tests poll): opened again when a test terminated it with the database's other backends.
  let session: Promise<pg.Client> | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => (session = undefined));
    c.on('end', () => (session = undefined));
    await c.connect();
    return c;
  };
  t.after(async () => {
    await (await session?.catch(() => undefined))?.end().catch(() => {});
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  const sql = async (text: string, params: unknown[] = []) => {
    const res = await (await (session ??= connect())).query(text, params);
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  };
  await sql('CREATE EXTENSION IF NOT EXISTS vector');
  return { url, sql };
}

/** Drops every schema a test may have made (the ledger's, public and its tables), then gives back
 *  an empty public with pgvector. */
async function emptied(): Promise<void> {
  const db = await testDb();
  await db.exec(`DO $$ DECLARE s text; BEGIN
    FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
      EXECUTE format('DROP SCHEMA %I CASCADE', s);
    END LOOP; END $$;
    CREATE SCHEMA public`);
  await ensureVector(db);
}

/** `docs (id bigint primary key, body text, embedding <vectorType>)` with these texts. */
export async function docsTable(db: TestDb, rows: [number, string | null][], vectorType = 'vector(1536)', name = 'docs'): Promise<void> {
  await db.sql(`CREATE TABLE ${name} (id bigint PRIMARY KEY, body text, embedding ${vectorType})`);
  await db.sql(`INSERT INTO ${name} (id, body) SELECT * FROM unnest($1::int8[], $2::text[])`, [rows.map((r) => r[0]), rows.map((r) => r[1])]);
}

/** The stored vector of one row, exactly (null if NULL). */
export function storedVector(db: TestDb, table: string, id: number | string, column = 'embedding'): Promise<Float32Array | null> {
  return storedVectorVia(db.sql, table, id, column);
}

export async function fakeOpenAI(t: TestContext, options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const server = await startOpenAIServer(options);
  t.after(() => server.close());
  return server;
}

export interface Vecfill {
  (...args: string[]): Promise<TimedResult>;
  /** The same in a child process of its own (on a server only: two runs at once). */
  child(...args: string[]): Promise<TimedResult>;
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI with --db pointing at the test database and the OpenAI variables at the fake server;
 *  `extra` adds to its environment (VECFILL_BACKOFF_BASE_MS, to wait out faults in milliseconds). */
export function vecfill(db: TestDb, server?: OpenAIServer, extra: NodeJS.ProcessEnv = {}): Vecfill {
  const env: NodeJS.ProcessEnv = { ...(server ? { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL } : { OPENAI_API_KEY: '' }), ...extra };
  const withDb = (args: string[]) => [args[0], '--db', db.url, ...args.slice(1)];
  const fn = ((...args: string[]) => run(withDb(args), '', env)) as Vecfill;
  fn.child = (...args: string[]) => runChild(withDb(args), '', env);
  fn.env = env;
  return fn;
}

/** The JSON a command printed with --json (fails the test with its stderr if it printed none). */
export function json<T = any>(r: TimedResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`no JSON on stdout (exit ${r.code}); stderr: ${r.stderr}`);
  }
}

/**
 * Request files for the table's rows, submitted as batches: vecfill's own prepare and submit, called in
 * this process, for tests about a later command (a CLI start-up costs ~1 s). Returns the batch ids in
 * creation order.
 */
export async function submitRows(db: TestDb, server: OpenAIServer, out: string,
  opts: { table?: string; maxRequests?: number; where?: string; runId?: string } = {}): Promise<string[]> {
  const { prepare } = await import('../../src/batch/prepare.js');
  const { submitFiles: submit } = await import('../../src/batch/submit.js');
  const OpenAI = (await import('openai')).default;
  const { BatchApi } = await import('../../src/batch/api.js');
  const prepared = await prepare({ db: db.url, table: opts.table ?? 'docs', textColumn: 'body', out, maxRequests: opts.maxRequests, where: opts.where });
  const api = new BatchApi(new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 }));
  const { batches } = await submit({ db: db.url, api, files: prepared.files.map((f) => f.path), runId: opts.runId });
  return batches.map((b) => b.batchId);
}
