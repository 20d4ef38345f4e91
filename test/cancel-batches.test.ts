// cancel asks the API to cancel every batch in flight (or the ones named) and records the answer; a
// batch that already ended is reported, not an error. A cancelled batch's partial output is ingested.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('cancel with no argument cancels every batch in flight; the partial output is then ingested', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  const texts = new Map(Array.from({ length: 8 }, (_, i) => [i + 1, `text ${i + 1}`] as [number, string]));
  await docsTable(db, [...texts]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--max-requests', '4', '--out', dir.dir);
  const { batches } = json(await v('submit', '--json', dir.path('requests-0001.jsonl'), dir.path('requests-0002.jsonl')));
  const [done, running] = batches.map((b: { batchId: string }) => b.batchId);
  server.state.advance(done, 10);
  server.state.advance(running);
  assert.deepEqual([server.state.batches.get(done)!.status, server.state.batches.get(running)!.status], ['completed', 'in_progress']);
  await v('status'); // the ledger learns that the first one completed

  const r = await v('cancel', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(json(r).batches, [{ batchId: running, status: 'cancelling', cancelled: true, inLedger: true }]);
  assert.equal(server.state.batches.get(running)!.status, 'cancelling');
  assert.equal(server.state.batches.get(done)!.status, 'completed', 'a finished batch is not touched');
  assert.equal((await db.sql(`SELECT status FROM vecfill.batches WHERE batch_id = $1`, [running])).rows[0].status, 'cancelling');

  server.state.advanceAll();
  const ingest = await v('ingest', '--batch', running, '--json');
  assert.equal(ingest.code, 3, ingest.stderr);
  const [result] = json(ingest).batches;
  assert.equal(result.status, 'cancelled');
  const carried = (await db.sql(`SELECT row_id::int AS id FROM vecfill.batch_rows WHERE batch_id = $1`, [running])).rows.map((x) => x.id as number);
  const filled = (await db.sql(`SELECT id::int FROM docs WHERE embedding IS NOT NULL`)).rows.map((x) => x.id as number);
  assert.equal(filled.length, 2, 'half of the 4 requests ran before the cancel');
  assert.equal(result.summary.rowsUpdated, 2);
  for (const id of filled) {
    assert.ok(carried.includes(id));
    assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(texts.get(id)!, 1536));
  }
  const failures = await db.sql(`SELECT row_id, last_code, final FROM vecfill.row_failures ORDER BY row_id`);
  assert.equal(failures.rows.length, 2);
  for (const f of failures.rows) assert.deepEqual([f.last_code, f.final], ['batch_cancelled', false]);
});

test('cancel of a named batch that already ended says so and exits 0', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
  server.state.advanceAll();

  const r = await v('cancel', id);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${id}  already completed, not cancelled\n`);
  assert.equal((await db.sql(`SELECT status FROM vecfill.batches`)).rows[0].status, 'completed');
});
