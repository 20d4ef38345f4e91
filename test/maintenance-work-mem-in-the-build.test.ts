// --maintenance-work-mem is in effect where it matters: inside the index builds of --index rebuild, on
// ingest and on run. The HNSW index is partial, its predicate a function that reads
// maintenance_work_mem each time the build evaluates it on a row with a vector, and refuses any value
// but the one asked for (an error fails the build, and the ingest with it). The index is made over NULL
// vectors, so its own first build checks nothing. The probe itself is proven by an ingest that asks for
// another size and fails naming it.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, vecfill, type TestDb } from './helpers/batch.js';
import { createTable, DB_URL, dropTable, sql, tableName } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { embeddingLines } from './helpers/output.js';
import { run } from './helpers/run.js';
import { numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

type Sql = TestDb['sql'];

/** A partial HNSW index on `table`.embedding whose build fails unless maintenance_work_mem is 77MB. */
async function probedIndex(run: Sql, table: string): Promise<{ oid(): Promise<number>; drop(): Promise<void> }> {
  await run(`CREATE FUNCTION ${table}_built_with_77mb(v vector) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN
    IF v IS NOT NULL AND current_setting('maintenance_work_mem') <> '77MB' THEN
      RAISE EXCEPTION 'maintenance_work_mem is % during the build', current_setting('maintenance_work_mem');
    END IF;
    RETURN true; END $$`);
  await run(`CREATE INDEX ${table}_hnsw ON ${table} USING hnsw (embedding vector_l2_ops) WHERE ${table}_built_with_77mb(embedding)`);
  return {
    oid: async () => Number((await run(`SELECT to_regclass('${table}_hnsw')::oid AS oid`)).rows[0].oid),
    drop: async () => { await run(`DROP FUNCTION IF EXISTS ${table}_built_with_77mb(vector) CASCADE`); },
  };
}

test('ingest --index rebuild --maintenance-work-mem 77MB: the build runs with 77MB', async (t) => {
  const rows = 20;
  const dims = 8;
  const name = tableName('mwm');
  await createTable(name, Array.from({ length: rows }, (_, k) => k + 1), `vector(${dims})`);
  const index = await probedIndex(sql, name);
  const dir = await tempDir();
  t.after(async () => {
    await dropTable(name);
    await index.drop();
    await dir.cleanup();
  });
  const file = dir.path('out.jsonl');
  await writeFile(file, [...embeddingLines(rows, dims)].join(''));
  const ingest = (size: string) => run(['ingest', '--db', DB_URL, '--table', name, '--index', 'rebuild', '--maintenance-work-mem', size, '--json', file]);
  const first = await index.oid();

  const other = await ingest('78MB');
  assert.equal(other.code, 1, other.stderr);
  assert.match(other.stderr, /maintenance_work_mem is 78MB during the build/);
  assert.equal(await index.oid(), first, 'rolled back: the index as it was');

  const asked = await ingest('77MB');
  assert.equal(asked.code, 0, asked.stderr);
  assert.deepEqual(JSON.parse(asked.stdout).vectorIndexes.map((i: { name: string; action: string }) => [i.name, i.action]), [[`${name}_hnsw`, 'rebuilt']]);
  assert.notEqual(await index.oid(), first, 'built again');
  assert.equal((await sql(`SELECT count(embedding)::int AS n FROM ${name}`)).rows[0].n, rows);
  assert.notEqual((await sql('SHOW maintenance_work_mem')).rows[0].maintenance_work_mem, '77MB', 'for that transaction only');
});

test('run --index rebuild --maintenance-work-mem 77MB: each batch\'s build runs with 77MB', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  await numberedDocs(db, 4);
  const index = await probedIndex(db.sql, 'docs');
  const first = await index.oid();
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '2', '--index', 'rebuild', '--maintenance-work-mem', '77MB');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/docs_hnsw \(hnsw\) on \S+ is dropped and built again before COMMIT/g)?.length, 2, 'two batches, two builds');
  assert.notEqual(await index.oid(), first, 'built again');
  assert.equal((await db.sql('SELECT count(embedding)::int AS n FROM docs')).rows[0].n, 4);
});
