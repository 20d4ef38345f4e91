// Rows whose requests keep failing with HTTP 429 or 500 lines in the error file are sent again by run,
// each time in a new batch, each attempt counted in the ledger, until --max-attempts: then run stops
// with exit 3 and the rows stay NULL, out of attempts (not failed for good: a later run may try again).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';

test('429 and 500 rows are sent again, attempts counted, until --max-attempts 3: exit 3', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const texts = await numberedDocs(db, 12, { 4: 'RATELIMIT', 9: 'SERVERERR' });

  const r = await vecfill(db, server)(...RUN_ARGS, '--max-attempts', '3', '--json');
  assert.equal(r.code, 3, r.stderr);
  const s = json(r);
  assert.deepEqual([s.filled, s.unfilled, s.outOfAttempts, s.failedForGood], [10, 2, 2, 0]);
  const sent = submittedRows(server);
  assert.deepEqual([sent.get('4'), sent.get('9')], [3, 3], 'each failing row sent three times');
  assert.deepEqual([...sent].filter(([id]) => id !== '4' && id !== '9').map(([, n]) => n), Array(10).fill(1), 'the others once');
  const { rows: failures } = await db.sql('SELECT row_id, last_code, attempts, final FROM vecfill.row_failures ORDER BY row_id::int');
  assert.deepEqual(failures, [
    { row_id: '4', last_code: 'http_429', attempts: 3, final: false },
    { row_id: '9', last_code: 'http_500', attempts: 3, final: false },
  ]);
  const { rows: batches } = await db.sql('SELECT attempt, request_total, ingested_at IS NOT NULL AS ingested FROM vecfill.batches ORDER BY created_at');
  assert.deepEqual(batches, [
    { attempt: 1, request_total: 12, ingested: true },
    { attempt: 2, request_total: 2, ingested: true },
    { attempt: 3, request_total: 2, ingested: true },
  ]);
  for (const [id, text] of texts) {
    assert.deepEqual(await storedVector(db, 'docs', id), id === 4 || id === 9 ? null : expectedEmbedding(text, 1536), `row ${id}`);
  }
});
