// ingest --batch of a batch that failed as a whole (no output: validation, the enqueued-token limit, an
// outage) exits 3, as the README says: nothing to ingest, nothing downloaded, the table unchanged, and
// its rows are free to be sent again (a failed batch does not count as in flight).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepare } from '../src/batch/prepare.js';
import { docsTable, fakeOpenAI, freshDatabase, submitRows, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';

test('ingest --batch of a batch that failed as a whole exits 3, changes nothing, and frees its rows', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t, { autoAdvance: false });
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two'], [3, 'three']]);
  const [id] = await submitRows(db, server, dir.path('first'));
  server.state.failBatch(id, { code: 'token_limit_exceeded', message: 'Enqueued token limit reached for text-embedding-3-small' });

  const r = await vecfill(db, server)('ingest', '--batch', id);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, `${id}: the batch failed as a whole; nothing to ingest, its rows can be submitted again (vecfill status shows why)\n`);
  assert.deepEqual(server.state.requests.filter((q) => q.path.endsWith('/content')), [], 'nothing downloaded');
  assert.equal((await db.sql('SELECT count(embedding)::int AS n FROM docs')).rows[0].n, 0);
  const { rows: [b] } = await db.sql('SELECT status, errors FROM vecfill.batches');
  assert.equal(b.status, 'failed');
  assert.equal(b.errors[0].code, 'token_limit_exceeded');

  const again = await prepare({ db: db.url, table: 'docs', textColumn: 'body', out: dir.path('again') });
  assert.deepEqual([again.requests, again.inFlight], [3, 0], 'its rows can be submitted again');
});
