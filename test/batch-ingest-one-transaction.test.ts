// A batch's output and error files go in one transaction with its ledger update: when the error file
// cannot be downloaded after the output was staged, no row changes and the batch stays not ingested.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('a failed error-file download leaves the table and the ledger as they were', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'REFUSE two']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
  server.state.advanceAll();
  const errorFile = server.state.batches.get(id)!.json.error_file_id!;
  // Every try fails while --retry-for lasts; the next ingest finds the file again.
  let failing = true;
  server.state.failNextRequests(1000, (q) => failing && q.path === `/v1/files/${errorFile}/content`);

  const r = await v('ingest', '--batch', id, '--retry-for', '1s');
  failing = false;
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot download file ${errorFile}: 500 .*gave up after \\d+ tries`));
  assert.match(r.stderr, /HTTP 500 server_error; trying again in/, 'each retry is one line on stderr');
  assert.ok(server.state.requests.some((q) => q.path.endsWith('/content') && q.status === 200), 'the output file was read first');
  assert.equal(await storedVector(db, 'docs', 1), null);
  const { rows: [b] } = await db.sql(`SELECT ingested_at FROM vecfill.batches`);
  assert.equal(b.ingested_at, null);
  assert.equal((await db.sql(`SELECT count(*)::int AS n FROM vecfill.row_failures`)).rows[0].n, 0);

  const retry = await v('ingest', '--batch', id);
  assert.equal(retry.code, 3, retry.stderr);
  assert.deepEqual(await storedVector(db, 'docs', 1), expectedEmbedding('one', 1536));
});
