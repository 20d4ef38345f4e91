// Two `vecfill run` on the same table at once (an overlapping cron job, a second terminal): rows are
// chosen and batches created under the target's lock, so each row is embedded (and paid for) once;
// both runs poll and ingest the same batches, and both end with every row filled, exit 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS, submittedRows } from './helpers/run-fill.js';
import { serverOnly } from './helpers/database-kind.js';

test('two runs started together embed each row once and both exit 0', serverOnly('two run processes on one database at once'), async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { steps: { validating: 2, in_progress: 3 } });
  const texts = await numberedDocs(db, 300);
  const v = vecfill(db, server);
  const args = [...RUN_ARGS, '--max-requests', '40', '--json'];
  const [a, b] = await Promise.all([v.child(...args), v.child(...args)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual([json(a).filled, json(b).filled], [300, 300]);

  const sent = submittedRows(server);
  assert.equal(sent.size, 300, 'every row was sent');
  assert.deepEqual([...sent.entries()].filter(([, n]) => n !== 1), [], 'no row was sent twice');
  assert.equal(json(a).batchesSubmitted + json(b).batchesSubmitted, server.state.batches.size, 'each batch was created by one of the two');
  assert.equal(json(a).batchesIngested + json(b).batchesIngested, server.state.batches.size, 'each batch was ingested by one of the two');
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), expectedEmbedding(text, 1536), `row ${id}`);
  assert.doesNotMatch(a.stderr + b.stderr, /404|cannot download/, 'neither needed a file the other had deleted');
  assert.equal(server.state.files.size, 0, 'every file was deleted once done with');
});
