// ingest --all-completed --jobs N --index rebuild ingests one batch at a time, and says so once: each
// batch drops the column's index inside its transaction, which locks the whole table, so batches side by
// side would only queue on that lock (or deadlock). One at a time shows in the database: every batch's
// UPDATE ran on the one connection, each rebuilt the index (a new oid), and all were ingested.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, submitRows, vecfill } from './helpers/batch.js';
import { numberedDocs } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';
import { tempDir } from './helpers/files.js';

test('ingest --all-completed --jobs 3 --index rebuild: one batch at a time, on one connection, said once', serverOnly('--jobs goes side by side only on a server'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await numberedDocs(db, 8);
  await db.sql('CREATE INDEX docs_hnsw ON docs USING hnsw (embedding vector_cosine_ops) WITH (m = 4, ef_construction = 8)');
  await db.sql('CREATE TABLE update_log (pid int, index_oid oid)');
  await db.sql(`CREATE FUNCTION log_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO update_log VALUES (pg_backend_pid(), to_regclass('docs_hnsw')); RETURN NULL; END $$`);
  await db.sql('CREATE TRIGGER log_update AFTER UPDATE ON docs FOR EACH STATEMENT EXECUTE FUNCTION log_update()');
  const batches = await submitRows(db, server, dir.dir, { maxRequests: 2 });
  assert.equal(batches.length, 4);
  server.state.advanceAll();
  const indexOid = async () => (await db.sql("SELECT to_regclass('docs_hnsw')::oid AS oid")).rows[0].oid;
  const first = await indexOid();

  const r = await vecfill(db, server)('ingest', '--all-completed', '--jobs', '3', '--index', 'rebuild', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/--index rebuild locks the whole table for each batch: --jobs 3 ingests one batch at a time/g)?.length, 1, r.stderr);
  assert.deepEqual(json(r).batches.map((b: { batchId: string; outcome: string }) => [b.batchId, b.outcome]), batches.map((b) => [b, 'ingested']));
  const { rows } = await db.sql('SELECT pid, index_oid FROM update_log');
  assert.equal(rows.length, 4, 'one UPDATE per batch');
  assert.equal(new Set(rows.map((x) => x.pid)).size, 1, 'every batch on the one connection: none beside another');
  // Dropped after each BEGIN: no index while the UPDATE runs, and a new one after each COMMIT.
  assert.deepEqual(rows.map((x) => x.index_oid), [null, null, null, null]);
  assert.notEqual(await indexOid(), first, 'built again');
  assert.equal((await db.sql('SELECT count(embedding)::int AS n FROM docs')).rows[0].n, 8);
});
