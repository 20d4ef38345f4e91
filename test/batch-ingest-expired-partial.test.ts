// An expired batch's partial output is paid for: --all-completed ingests it with the completed batches,
// one transaction each, and its never-run rows are recorded to retry (batch_expired).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { numberedDocs } from './helpers/run-fill.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('--all-completed ingests an expired batch\'s partial output and a completed batch', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { expireBatches: [0] });
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = await numberedDocs(db, 14);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--max-requests', '10', '--out', dir.dir);
  const { batches } = json(await v('submit', '--json', dir.path('requests-0001.jsonl'), dir.path('requests-0002.jsonl')));
  const [expired, completed] = batches.map((b: { batchId: string }) => b.batchId);
  server.state.advanceAll();

  const r = await v('ingest', '--all-completed', '--json');
  assert.equal(r.code, 3, r.stderr);
  const results = json(r).batches;
  assert.deepEqual(results.map((x: { batchId: string; status: string }) => [x.batchId, x.status]), [[expired, 'expired'], [completed, 'completed']]);
  assert.deepEqual(results.map((x: { summary: { rowsUpdated: number } }) => x.summary.rowsUpdated), [5, 4]);

  const filled = (await db.sql(`SELECT id::int FROM docs WHERE embedding IS NOT NULL ORDER BY id`)).rows.map((x) => x.id as number);
  assert.equal(filled.length, 9);
  for (const id of filled) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(texts.get(id)!, 1536));
  const { rows: failures } = await db.sql(`SELECT row_id::int AS id, last_code, final FROM vecfill.row_failures ORDER BY row_id::int`);
  assert.equal(failures.length, 5);
  for (const f of failures) {
    assert.deepEqual([f.last_code, f.final], ['batch_expired', false]);
    assert.ok(!filled.includes(f.id));
  }
  const { rows } = await db.sql(`SELECT count(*)::int AS n FROM vecfill.batches WHERE ingested_at IS NOT NULL`);
  assert.equal(rows[0].n, 2);
});
