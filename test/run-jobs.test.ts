// run --jobs N ingests the batches that finish together up to N at once, each on its own connection
// and exactly once; and run passes ingest's --index, --maintenance-work-mem and --lock-timeout on to
// each batch's ingest.
import assert from 'node:assert/strict';
import pg from 'pg';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { serverOnly } from './helpers/database-kind.js';
import { countUpdates } from './helpers/db.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

test('run --jobs 3: six batches finishing together, ingested on three connections, each once', serverOnly('three sessions at once'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { steps: { validating: 1, in_progress: 1 } });
  const texts = await numberedDocs(db, 60);
  await db.sql('CREATE TABLE update_log (pid int)');
  await db.sql(`CREATE FUNCTION log_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO update_log VALUES (pg_backend_pid()); PERFORM pg_sleep(0.3); RETURN NULL; END $$`);
  await db.sql('CREATE TRIGGER log_update BEFORE UPDATE ON docs FOR EACH STATEMENT EXECUTE FUNCTION log_update()');
  const updates = await countUpdates('docs', db.sql);

  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '10', '--jobs', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = json(r);
  assert.deepEqual([s.rows, s.filled, s.batchesSubmitted, s.batchesIngested, s.rowsUpdated], [60, 60, 6, 6, 60]);
  assert.equal(await updates.count(), 6, 'one UPDATE per batch');
  assert.equal((await db.sql('SELECT count(DISTINCT pid)::int AS n FROM update_log')).rows[0].n, 3, 'three connections');
  assert.equal((await db.sql('SELECT count(*)::int AS n FROM vecfill.batches WHERE rows_updated = 10 AND ingested_at IS NOT NULL')).rows[0].n, 6);
  assert.equal(r.stderr.match(/: ingesting\n/g)?.length, 6, 'a line as each batch starts');
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
});

test('run --lock-timeout: a row another session holds fails the batch quickly, exit 1; run again, it finishes', serverOnly('a second session holds a row'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const texts = await numberedDocs(db, 5);
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  holder.on('error', () => {});
  t.after(() => holder.end());
  await holder.query('BEGIN');
  await holder.query('SELECT * FROM docs WHERE id = 3 FOR UPDATE');

  const v = vecfill(db, server);
  const r = await v(...RUN_ARGS, '--lock-timeout', '300ms');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /waited 300 ms \(--lock-timeout\) for a lock on public\.docs that another session holds/);
  assert.equal((await db.sql('SELECT count(embedding)::int AS n FROM docs')).rows[0].n, 0, 'the batch rolled back');
  await holder.query('COMMIT');
  const again = await v(...RUN_ARGS, '--lock-timeout', '300ms', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(json(again).filled, 5);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
});

test('run --jobs 2 --index rebuild --maintenance-work-mem: each batch drops and rebuilds the HNSW index (one batch at a time), same definition', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  await numberedDocs(db, 6);
  await db.sql('CREATE INDEX docs_hnsw ON docs USING hnsw (embedding vector_cosine_ops) WITH (m = 8)');
  // The definition says the index is the same; its oid, that it was built again (a DROP and a CREATE
  // give a new one, an index left alone keeps its own).
  const index = async () => (await db.sql("SELECT pg_get_indexdef(oid) AS def, oid::int8 AS oid FROM pg_class WHERE relname = 'docs_hnsw'")).rows
    .map((x) => ({ def: x.def as string, oid: Number(x.oid) }));
  const before = await index();
  assert.equal(before.length, 1);

  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '3', '--jobs', '2', '--index', 'rebuild', '--maintenance-work-mem', '64MB', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 6);
  assert.equal(r.stderr.match(/docs_hnsw \(hnsw\) on \S+ is dropped and built again before COMMIT/g)?.length, 2, 'said for each of the two batches');
  const after = await index();
  assert.deepEqual(after.map((i) => i.def), before.map((i) => i.def), 'the same definition');
  assert.notEqual(after[0].oid, before[0].oid, 'built again');
  assert.match(r.stderr, /--index rebuild locks the whole table for each batch: --jobs 2 ingests one batch at a time|the embedded database is one session/);
});

test('run: --jobs, --index and --maintenance-work-mem are checked before anything is sent', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  await numberedDocs(db, 2);
  const v = vecfill(db, server);
  for (const [args, message] of [
    [['--jobs', '0'], /--jobs takes a whole number ≥ 1/],
    [['--index', 'sometimes'], /--index is keep or rebuild/],
    [['--maintenance-work-mem', '1GB'], /--maintenance-work-mem is for the index builds of --index rebuild/],
    [['--lock-timeout', 'soon'], /--lock-timeout takes a duration/],
  ] as const) {
    const r = await v(...RUN_ARGS, ...args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.equal(server.state.batches.size, 0);
});
