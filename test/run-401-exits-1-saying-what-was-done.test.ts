// A permanent API error stops run at once: no retry, exit 1, and the message says what the run had done
// before it (kept, in the ledger and the table), so the user knows that running it again once the key
// is fixed goes on from there. Here the key stops working (401) between the first batch, ingested, and
// the upload of the retry turn's requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAI, freshDatabase, storedVector, vecfill } from './helpers/batch.js';
import { expectedEmbedding } from './helpers/openai-server.js';
import { numberedDocs, RUN_ARGS } from './helpers/run-fill.js';

test('run: a 401 on the retry turn\'s upload, exit 1, naming the batch submitted and ingested and the rows updated', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  // Row 4 comes back 429 in the error file: run goes for a second turn, and uploads again.
  const texts = await numberedDocs(db, 4, { 4: 'RATELIMIT' });
  const uploads = () => server.state.requests.filter((q) => q.method === 'POST' && q.path === '/v1/files');
  const downloaded = () => server.state.requests.some((q) => q.path.endsWith('/content'));
  server.state.failNextRequests(1, (q) => q.method === 'POST' && q.path === '/v1/files' && downloaded(), { status: 401 });

  const r = await vecfill(db, server)(...RUN_ARGS);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cannot upload \S+: 401 Incorrect API key provided\..*\(check OPENAI_API_KEY\) \[request id req_\w+\]; this run submitted 1 batches and ingested 1 \(3 rows updated\), all of it kept \(vecfill status\): run it again to continue\n$/);
  assert.equal(uploads().length, 2, 'the 401 was not tried again');
  assert.doesNotMatch(r.stderr, /trying again/);
  for (const [id, text] of texts) assert.deepEqual(await storedVector(db, 'docs', id), id === 4 ? null : expectedEmbedding(text, 1536), `row ${id}`);
  const { rows } = await db.sql('SELECT row_id::int AS id, last_code, final FROM vecfill.row_failures');
  assert.deepEqual(rows, [{ id: 4, last_code: 'http_429', final: false }], 'row 4 is left to retry');
});
