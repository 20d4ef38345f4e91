// An expiring first batch: run ingests its partial output (paid for) and resubmits only the rows that
// never ran; every row ends filled, exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';

test('an expired batch\'s partial output is ingested, the rest resubmitted', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { expireBatches: [0] });
  const texts = await numberedDocs(db, 40);
  const r = await vecfill(db, server)(...RUN_ARGS, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([json(r).filled, json(r).batchesSubmitted], [40, 2]);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);

  const [expired, second] = [...server.state.batches.values()].map((b) => b.json);
  assert.equal(expired.status, 'expired');
  const { rows } = await db.sql(`SELECT rows_updated::int AS n FROM vecfill.batches WHERE batch_id = $1`, [expired.id]);
  assert.equal(rows[0].n, 20, 'the expired batch\'s partial output was applied');
  assert.equal(second.request_counts?.total, 20, 'only the rows that never ran were resubmitted');
  const sent = submittedRows(server);
  assert.equal([...sent.values()].filter((n) => n === 2).length, 20);
  assert.equal((await db.sql(`SELECT count(*)::int AS n FROM vecfill.row_failures`)).rows[0].n, 0, 'their failures were cleared');
});
