// A batch that fails on the enqueued-token limit is sent again once the queue has room, and that does
// not count as an attempt of its rows: with --max-attempts 1 they still get their vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

test('token_limit_exceeded: resubmitted later, no attempt counted', async (t) => {
  const db = await freshDatabase(t);
  // "text number N" is 3 tokens to this server: batches of 20 rows are 60 tokens, two do not fit in 100.
  const server = await fakeOpenAI(t, { enqueuedTokenLimit: 100 });
  const texts = await numberedDocs(db, 50);
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '20', '--max-attempts', '1', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).filled, 50);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const { rows } = await db.sql(`SELECT status, errors->0->>'code' AS code FROM vecfill.batches ORDER BY created_at, batch_id`);
  assert.ok(rows.some((b) => b.status === 'failed' && b.code === 'token_limit_exceeded'), 'a batch hit the limit');
  assert.equal(rows.filter((b) => b.status === 'completed').length, rows.length - 1);
  assert.equal((await db.sql(`SELECT count(*)::int AS n FROM vecfill.row_failures`)).rows[0].n, 0, 'no attempt recorded');
});
