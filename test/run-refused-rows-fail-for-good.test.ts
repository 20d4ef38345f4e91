// Refused rows (HTTP 400) end NULL with a final failure and run exits 3; a second run has nothing to
// send: it creates no batch and uploads nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { batchesCreated, numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

test('refused rows fail for good (exit 3), and a second run submits nothing', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const texts = await numberedDocs(db, 50, { 7: 'REFUSE', 21: 'REFUSE', 40: 'REFUSE' });
  const v = vecfill(db, server);
  const r = await v(...RUN_ARGS, '--json');
  assert.equal(r.code, 3, r.stderr);
  const s = json(r);
  assert.deepEqual([s.filled, s.unfilled, s.failedForGood], [47, 3, 3]);
  for (const [id, text] of texts) {
    assert.deepEqual(await storedVector(db, 'docs', id), [7, 21, 40].includes(id) ? null : expectedEmbedding(text, 1536), `row ${id}`);
  }
  const { rows } = await db.sql(`SELECT row_id, last_code, final, attempts FROM vecfill.row_failures ORDER BY row_id::int`);
  assert.deepEqual(rows, ['7', '21', '40'].map((id) => ({ row_id: id, last_code: 'http_400', final: true, attempts: 1 })));
  assert.equal(batchesCreated(server), 1, 'refused rows are not retried');

  const requestsBefore = server.state.requests.length;
  const uploadsBefore = server.state.files.size;
  const again = await v(...RUN_ARGS);
  assert.equal(again.code, 3, again.stderr);
  assert.match(again.stdout, /^public\.docs\.embedding: 47 of 50 rows hold a vector \(this run: 0 batches submitted/);
  assert.match(again.stdout, /without a vector: 3 rows \(3 failed for good\)/);
  assert.equal(batchesCreated(server), 1, 'no batch created by the second run');
  assert.equal(server.state.files.size, uploadsBefore, 'nothing uploaded');
  const asked = server.state.requests.slice(requestsBefore).map((q) => `${q.method} ${q.path}`);
  assert.deepEqual([...new Set(asked)], ['GET /v1/batches'], 'only the batch list is read (batches created but not recorded)');
});
