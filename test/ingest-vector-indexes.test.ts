// The HNSW and IVFFlat indexes on the column: found before the ingest and their cost said on stderr and
// in --json; --index keep leaves them to PostgreSQL's row-by-row upkeep; --index rebuild drops them
// inside the transaction and creates them again with the very same definition before COMMIT, and a
// failure anywhere (here a row a trigger refuses, after the drop) leaves them and the table as they were.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createTable, DB_URL, dropTable, sql, storedVector, tableDigest, tableName } from './helpers/db.js';
import { tempDir } from './helpers/files.js';
import { run } from './helpers/run.js';
import { embeddingLines, rowVector } from './helpers/output.js';

const ROWS = 300;
const DIMS = 8;

async function indexedTable(t: TestContext) {
  const table = tableName('vidx');
  await createTable(table, Array.from({ length: ROWS }, (_, k) => k + 1), `vector(${DIMS})`);
  await sql(`CREATE INDEX ${table}_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32)`);
  await sql(`CREATE INDEX ${table}_ivf ON ${table} USING ivfflat (embedding vector_l2_ops) WITH (lists = 3) WHERE id > 10`);
  await sql(`CREATE INDEX ${table}_body ON ${table} (body)`); // not a vector index: never touched
  const dir = await tempDir();
  t.after(async () => { await dropTable(table); await dir.cleanup(); });
  const file = dir.path('out.jsonl');
  await writeFile(file, [...embeddingLines(ROWS, DIMS)].join(''));
  return { table, file };
}

async function indexes(table: string): Promise<{ name: string; def: string; oid: number }[]> {
  const { rows } = await sql(`SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, i.indexrelid::int8 AS oid
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass ORDER BY 1`, [table]);
  return rows.map((r) => ({ name: r.name, def: r.def, oid: Number(r.oid) }));
}

test('--index rebuild: the same index definitions after, new builds, every value applied, the index used', async (t) => {
  const { table, file } = await indexedTable(t);
  const before = await indexes(table);
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--index', 'rebuild', '--maintenance-work-mem', '64MB', '--json', file]);
  assert.equal(res.code, 0, res.stderr);
  const after = await indexes(table);
  assert.deepEqual(after.map(({ name, def }) => ({ name, def })), before.map(({ name, def }) => ({ name, def })));
  const byName = new Map(before.map((i) => [i.name, i.oid]));
  for (const i of after) {
    if (i.name.endsWith('_body') || i.name.endsWith('_pkey')) assert.equal(i.oid, byName.get(i.name), `${i.name} untouched`);
    else assert.notEqual(i.oid, byName.get(i.name), `${i.name} built again`);
  }
  for (const id of [1, 150, ROWS]) assert.deepEqual(await storedVector(table, id), rowVector(id, DIMS));
  const summary = JSON.parse(res.stdout);
  assert.deepEqual(summary.vectorIndexes.map((i: { name: string; method: string; action: string }) => [i.name, i.method, i.action]),
    [[`${table}_hnsw`, 'hnsw', 'rebuilt'], [`${table}_ivf`, 'ivfflat', 'rebuilt']]);
  assert.match(res.stderr, new RegExp(`${table}_hnsw \\(hnsw\\) .* dropped and built again before COMMIT`));
  // The rebuilt HNSW index answers: a row's own vector finds the row.
  // (The test file's one session: the SET holds for the query after it.)
  await sql('SET enable_seqscan = off');
  const { rows: [near] } = await sql(`SELECT id FROM ${table} ORDER BY embedding <=> (SELECT embedding FROM ${table} WHERE id = 77) LIMIT 1`);
  await sql('RESET enable_seqscan');
  assert.equal(Number(near.id), 77);
});

test('--index keep (the default): the indexes stay as they are, and their cost is said before the ingest', async (t) => {
  const { table, file } = await indexedTable(t);
  const before = await indexes(table);
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--json', file]);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(await indexes(table), before); // the same oids: never dropped
  assert.match(res.stderr, new RegExp(`${table}_hnsw \\(hnsw\\) on public\\.${table}\\.embedding is updated row by row: 4× to 90× .*--index rebuild`));
  assert.match(res.stderr, new RegExp(`${table}_ivf \\(ivfflat\\) .* updated row by row`));
  const summary = JSON.parse(res.stdout);
  assert.deepEqual(summary.vectorIndexes.map((i: { action: string }) => i.action), ['kept', 'kept']);
  assert.equal(summary.vectorIndexes[0].definition, before.find((i) => i.name === `${table}_hnsw`)!.def);
  assert.deepEqual(await storedVector(table, 5), rowVector(5, DIMS));
});

test('--index rebuild that fails after the drop leaves the indexes and the table as they were', async (t) => {
  const { table, file } = await indexedTable(t);
  await sql(`CREATE FUNCTION ${table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = ${ROWS} THEN RAISE EXCEPTION 'row ${ROWS} is frozen'; END IF; RETURN NEW; END $$`);
  await sql(`CREATE TRIGGER refuse BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_refuse()`);
  t.after(() => sql(`DROP FUNCTION IF EXISTS ${table}_refuse() CASCADE`));
  const before = await indexes(table);
  const digest = await tableDigest(table);
  const res = await run(['ingest', '--db', DB_URL, '--table', table, '--index', 'rebuild', file]);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /row 300 is frozen/);
  assert.deepEqual(await indexes(table), before);
  assert.equal(await tableDigest(table), digest);
});

test('--index and --maintenance-work-mem: what they take, and what they do not go with', async () => {
  const usage = async (args: string[], message: RegExp) => {
    const res = await run(['ingest', '--db', DB_URL, '--table', 'nowhere', ...args]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, message);
  };
  await usage(['--index', 'drop'], /--index is keep or rebuild/);
  await usage(['--maintenance-work-mem', '1GB'], /--maintenance-work-mem is for the index builds of --index rebuild/);
  await usage(['--index', 'rebuild', '--maintenance-work-mem', "1GB'; drop table x"], /takes a size such as/);
});
