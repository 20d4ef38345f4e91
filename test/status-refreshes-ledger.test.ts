// status asks the API about each batch that is not final, copies status, counts, file ids and errors
// into the ledger, shows them, and never asks again about a batch once it is final.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('status follows a batch to completed, then stops asking', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two REFUSE'], [3, 'three']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const { batches: [submitted] } = json(await v('submit', '--json', dir.path('requests-0001.jsonl')));
  const id: string = submitted.batchId;

  server.state.advance(id); // in_progress
  let r = await v('status', '--json');
  assert.equal(r.code, 0, r.stderr);
  let [b] = json(r).batches;
  assert.equal(b.status, 'in_progress');
  assert.equal((await db.sql(`SELECT status FROM vecfill.batches`)).rows[0].status, 'in_progress');

  server.state.advanceAll();
  r = await v('status', '--json');
  [b] = json(r).batches;
  const remote = server.state.batches.get(id)!.json;
  assert.deepEqual([b.status, b.requests, b.outputFileId, b.errorFileId], ['completed', { total: 3, completed: 2, failed: 1 }, remote.output_file_id, remote.error_file_id]);
  assert.equal(b.ingested, false);
  assert.equal(b.tokens, remote.usage.total_tokens);
  assert.equal(b.tokensEstimated, false);
  assert.ok(Math.abs(b.cost - (remote.usage.total_tokens / 1e6) * 0.01) < 1e-15);
  const { rows: [row] } = await db.sql(`SELECT status, request_total, request_completed, request_failed, output_file_id, error_file_id FROM vecfill.batches`);
  assert.deepEqual(row, { status: 'completed', request_total: 3, request_completed: 2, request_failed: 1, output_file_id: remote.output_file_id, error_file_id: remote.error_file_id });

  const asked = () => server.state.requests.filter((q) => q.path === `/v1/batches/${id}`).length;
  const before = asked();
  r = await v('status');
  assert.equal(r.code, 0);
  assert.equal(asked(), before, 'a final batch is not asked about again');
  assert.match(r.stdout, new RegExp(`^BATCH +TABLE +STATUS +DONE/TOTAL +FAILED +AGE +TOKENS +COST\\n${id} +public\\.docs\\.embedding +completed +2/3 +1 +\\d+s +\\d+ +`, 'm'));
  assert.match(r.stdout, /1 batches, 0 in flight/);
});

test('a failed batch shows its errors; --table and --run select batches', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one']]);
  await docsTable(db, [[1, 'uno']], 'vector(1536)', 'other');
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.path('a'));
  await v('prepare', '--table', 'other', '--text-column', 'body', '--out', dir.path('b'));
  const a = json(await v('submit', '--json', '--run', 'ra', dir.path('a/requests-0001.jsonl'))).batches[0].batchId;
  const b = json(await v('submit', '--json', '--run', 'rb', dir.path('b/requests-0001.jsonl'))).batches[0].batchId;
  server.state.failBatch(a, { code: 'token_limit_exceeded', message: 'Enqueued token limit reached for text-embedding-3-small' });

  const onlyDocs = json(await v('status', '--json', '--table', 'docs')).batches;
  assert.deepEqual(onlyDocs.map((x: { batchId: string }) => x.batchId), [a]);
  assert.equal(onlyDocs[0].status, 'failed');
  assert.equal(onlyDocs[0].errors[0].code, 'token_limit_exceeded');
  assert.deepEqual(json(await v('status', '--json', '--run', 'rb')).batches.map((x: { batchId: string }) => x.batchId), [b]);
  assert.equal(json(await v('status', '--json')).batches.length, 2);
});
