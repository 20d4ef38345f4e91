// Rows that a batch in flight already carries are not submitted again (that would pay twice), unless
// --force; once that batch is ingested, or if it failed, they may go again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('the same file twice: refused while the first batch is in flight, accepted with --force', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const file = dir.path('requests-0001.jsonl');
  assert.equal((await v('submit', file)).code, 0);

  const again = await v('submit', file);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /2 of its rows are already in a batch in flight \(batch_/);
  assert.equal(server.state.batches.size, 1, 'no second batch');

  const prepared = json(await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.path('second'), '--json'));
  assert.equal(prepared.requests, 0, 'prepare leaves rows in flight out too');
  assert.equal(prepared.inFlight, 2);

  const forced = await v('submit', '--force', file);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(server.state.batches.size, 2);
});

test('rows of a batch that failed as a whole may be submitted again', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const first = json(await v('submit', '--json', dir.path('requests-0001.jsonl')));
  server.state.failBatch(first.batches[0].batchId, { code: 'token_limit_exceeded', message: 'Enqueued token limit reached' });
  assert.equal((await v('status')).code, 0);

  const again = await v('submit', dir.path('requests-0001.jsonl'));
  assert.equal(again.code, 0, again.stderr);
  const { rows } = await db.sql(`SELECT status, errors->0->>'code' AS code FROM vecfill.batches ORDER BY created_at`);
  assert.deepEqual(rows[0], { status: 'failed', code: 'token_limit_exceeded' });
});
