// --all-completed ingests batch after batch, one transaction each: when a later batch's ingest fails
// (here a trigger refuses one of its rows), the run exits 1 with the reason, the batches before it stay
// ingested in the ledger and the table, and the failing one is left whole for the next try, which
// ingests only it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, storedVector, submitRows, vecfill } from './helpers/batch.js';
import { numberedDocs } from './helpers/run-fill.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('--all-completed: a later batch failing leaves the earlier ones ingested; the next try ingests only it', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await numberedDocs(db, 9);
  const batches = await submitRows(db, server, dir.dir, { maxRequests: 3 });
  server.state.advanceAll();
  const carried = new Map<string, number[]>();
  for (const b of batches) carried.set(b, (await db.sql('SELECT row_id::int AS id FROM vecfill.batch_rows WHERE batch_id = $1 ORDER BY 1', [b])).rows.map((x) => x.id));
  const refused = carried.get(batches[2])![1];
  await db.sql(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = ${refused} THEN RAISE EXCEPTION 'row ${refused} is frozen by policy'; END IF; RETURN NEW; END $$`);
  await db.sql('CREATE TRIGGER refuse BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION refuse()');
  const v = vecfill(db, server);

  const r = await v('ingest', '--all-completed');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`row ${refused} is frozen by policy.*; batch \\S+ was rolled back, the 2 ingested before it \\(.*\\) are kept: run it again for the rest\\n$`));
  assert.doesNotMatch(r.stderr, /nothing was changed/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'a message, not a stack trace');
  assert.match(r.stdout, new RegExp(`^${batches[0]} \\(completed\\): updated 3 rows .*\\n${batches[1]} \\(completed\\): updated 3 rows `));
  const ledger = async () => (await db.sql('SELECT batch_id, ingested_at IS NOT NULL AS ingested FROM vecfill.batches ORDER BY created_at')).rows;
  assert.deepEqual(await ledger(), batches.map((b, i) => ({ batch_id: b, ingested: i < 2 })));
  for (const [b, ids] of carried) {
    for (const id of ids) {
      assert.deepEqual(await storedVector(db, 'docs', id), b === batches[2] ? null : expectedEmbedding(texts.get(id)!, 1536), `row ${id}`);
    }
  }
  assert.equal((await db.sql('SELECT count(*)::int AS n FROM vecfill.row_failures')).rows[0].n, 0, 'the failed ingest recorded nothing');

  await db.sql('DROP TRIGGER refuse ON docs');
  const downloadsBefore = server.state.requests.filter((q) => q.path.endsWith('/content')).length;
  const again = await v('ingest', '--all-completed', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).batches.map((x: { batchId: string }) => x.batchId), [batches[2]], 'only the batch left');
  assert.equal(server.state.requests.filter((q) => q.path.endsWith('/content')).length, downloadsBefore + 1, 'one output file downloaded');
  assert.deepEqual(await ledger(), batches.map((b) => ({ batch_id: b, ingested: true })));
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
});
