// A batch is ingested once: a second ingest changes nothing and downloads nothing; --force ingests it
// again (without counting its failures twice).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsTable, fakeOpenAI, freshDatabase, json, storedVector, vecfill } from './helpers/batch.js';
import { tempDir } from './helpers/files.js';
import { expectedEmbedding } from './helpers/openai-server.js';

test('second ingest is a no-op, --force applies again', async (t) => {
  const db = await freshDatabase(t);
  const server = await fakeOpenAI(t);
  const dir = await tempDir();
  t.after(dir.cleanup);
  await docsTable(db, [[1, 'one'], [2, 'two REFUSE']]);
  const v = vecfill(db, server);
  await v('prepare', '--table', 'docs', '--text-column', 'body', '--out', dir.dir);
  const id = json(await v('submit', '--json', dir.path('requests-0001.jsonl'))).batches[0].batchId;
  server.state.advanceAll();
  assert.equal((await v('ingest', '--batch', id)).code, 3);
  const { rows: [first] } = await db.sql(`SELECT ingested_at FROM vecfill.batches`);

  // Clear the row: a second ingest that did anything would fill it again.
  await db.sql(`UPDATE docs SET embedding = NULL`);
  const downloads = () => server.state.requests.filter((q) => q.path.endsWith('/content')).length;
  const before = downloads();
  const again = await v('ingest', '--batch', id);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, `${id}: already ingested at ${first.ingested_at.toISOString()}; --force ingests it again\n`);
  assert.equal(await storedVector(db, 'docs', 1), null);
  assert.equal(downloads(), before, 'nothing downloaded');
  assert.equal((await v('ingest', '--all-completed')).stdout, 'no finished batch left to ingest\n');

  const forced = await v('ingest', '--batch', id, '--force', '--json');
  assert.equal(forced.code, 3, forced.stderr);
  assert.equal(json(forced).batches[0].outcome, 'ingested');
  assert.deepEqual(await storedVector(db, 'docs', 1), expectedEmbedding('one', 1536));
  const { rows } = await db.sql(`SELECT row_id, attempts FROM vecfill.row_failures`);
  assert.deepEqual(rows, [{ row_id: '2', attempts: 1 }], 'the same batch does not count an attempt twice');
  const { rows: [second] } = await db.sql(`SELECT ingested_at FROM vecfill.batches`);
  assert.ok(second.ingested_at > first.ingested_at);
});
