// vecfill run does the whole round trip: every row ends with exactly the server's vector, exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';

test('run fills every row with the server\'s vector, each row sent once', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { steps: { validating: 2, in_progress: 2 } });
  const texts = await numberedDocs(db, 50);
  const r = await vecfill(db, server)(...RUN_ARGS, '--max-requests', '20', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = json(r);
  assert.deepEqual([s.rows, s.filled, s.unfilled, s.batchesSubmitted, s.batchesIngested, s.rowsUpdated], [50, 50, 0, 3, 3, 50]);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  const sent = submittedRows(server);
  assert.equal(sent.size, 50);
  assert.ok([...sent.values()].every((n) => n === 1));
  assert.match(r.stderr, /waiting: \d+ batch/, 'progress on stderr');
  const { rows } = await db.sql(`SELECT count(*)::int AS n FROM vecfill.batches WHERE ingested_at IS NOT NULL AND status = 'completed'`);
  assert.equal(rows[0].n, 3);
});

test('run exits 1 on a fatal error, naming it', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  await numberedDocs(db, 3);
  const r = await vecfill(db, server)('run', '--table', 'nope', '--text-column', 'body', '--poll-interval', '0.05');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^vecfill run: .*nope/);
  assert.equal(server.state.batches.size, 0);
});
