// --jobs N with more finished batches than N: once one fails, no further batch is started. The batch
// under way beside it finishes and commits; the rest are listed as notStarted (--json), never
// downloaded, their rows untouched, and the next run does them. On the embedded database --jobs is one
// at a time, so there nothing starts after the failed first batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, submitRows, vecfill } from './helpers/batch.js';
import { numberedDocs } from './helpers/run-fill.js';
import { ON_PGLITE } from './helpers/database-kind.js';
import { tempDir } from './helpers/files.js';

test('ingest --all-completed --jobs 2, four batches, the first fails: the second finishes, the last two never start', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await numberedDocs(db, 8);
  const batches = await submitRows(db, server, dir.dir, { maxRequests: 2 });
  assert.equal(batches.length, 4);
  server.state.advanceAll();
  const rowsOf = async (b: string) => (await db.sql('SELECT row_id::int AS id FROM vecfill.batch_rows WHERE batch_id = $1 ORDER BY 1', [b])).rows.map((r) => r.id as number);
  const [refused] = await rowsOf(batches[0]);
  const [slow] = await rowsOf(batches[1]);
  // The first batch fails in its UPDATE; the second's UPDATE waits until that has happened (a sequence
  // shows it: it is not rolled back), then a little longer, so it is surely under way when the first fails.
  await db.sql('CREATE SEQUENCE refused_seen');
  await db.sql(`CREATE FUNCTION gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF NEW.id = ${refused} THEN PERFORM nextval('refused_seen'); RAISE EXCEPTION 'row ${refused} is frozen by policy'; END IF;
    IF NEW.id = ${slow} THEN
      FOR i IN 1..500 LOOP EXIT WHEN (SELECT is_called FROM refused_seen); PERFORM pg_sleep(0.02); END LOOP;
      PERFORM pg_sleep(0.3);
    END IF;
    RETURN NEW; END $$`);
  await db.sql('CREATE TRIGGER gate BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION gate()');

  const r = await vecfill(db, server)('ingest', '--all-completed', '--jobs', '2', '--json');
  assert.equal(r.code, 1, r.stderr);
  const out = json(r);
  const ingested = ON_PGLITE ? [] : [batches[1]]; // the embedded database: one batch at a time
  const notStarted = batches.slice(1 + ingested.length);
  assert.deepEqual(out.failed.map((f: { batchId: string }) => f.batchId), [batches[0]]);
  assert.match(out.failed[0].error, /frozen by policy/);
  assert.deepEqual(out.batches.map((b: { batchId: string }) => b.batchId), ingested);
  assert.deepEqual(out.notStarted, notStarted);
  if (!ON_PGLITE) assert.match(r.stderr, new RegExp(`2 not started \\(${notStarted.join(', ')}\\): run it again for the rest\\n$`));

  const { rows: ledger } = await db.sql('SELECT batch_id, ingested_at IS NOT NULL AS ingested FROM vecfill.batches ORDER BY created_at');
  assert.deepEqual(ledger.map((b) => b.ingested), batches.map((b) => ingested.includes(b)));
  for (const b of notStarted) {
    const output = server.state.batches.get(b)!.json.output_file_id!;
    assert.equal(server.state.requests.filter((q) => q.path === `/v1/files/${output}/content`).length, 0, `${b} never downloaded`);
    const { rows } = await db.sql('SELECT count(embedding)::int AS n FROM docs WHERE id = ANY($1)', [await rowsOf(b)]);
    assert.equal(rows[0].n, 0, `${b}'s rows untouched`);
  }
});
